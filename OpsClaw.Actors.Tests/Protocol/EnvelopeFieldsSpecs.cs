using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>docs/protocol.md §2 and §3: the one list of envelope field names the codec and the schema use.</summary>
public sealed class EnvelopeFieldsSpecs
{
    [Fact]
    public void Envelope_fields_should_spell_each_name_the_same_as_text_and_as_utf8()
    {
        (string Text, byte[] Utf8)[] names =
        [
            (EnvelopeFields.SchemaVersion, EnvelopeFields.SchemaVersionUtf8.ToArray()),
            (EnvelopeFields.MessageType, EnvelopeFields.MessageTypeUtf8.ToArray()),
            (EnvelopeFields.RunId, EnvelopeFields.RunIdUtf8.ToArray()),
            (EnvelopeFields.PayloadJson, EnvelopeFields.PayloadJsonUtf8.ToArray()),
            (EnvelopeFields.Ok, EnvelopeFields.OkUtf8.ToArray()),
            (EnvelopeFields.Error, EnvelopeFields.ErrorUtf8.ToArray()),
            (EnvelopeFields.ErrorCode, EnvelopeFields.ErrorCodeUtf8.ToArray()),
        ];

        Assert.Equal(EnvelopeFields.Response, names.Select(name => name.Text));
        foreach (var (text, utf8) in names)
        {
            Assert.Equal(text, Encoding.UTF8.GetString(utf8));
        }
    }

    [Fact]
    public void Envelope_fields_should_be_the_wire_names_in_wire_order()
    {
        Assert.Equal(["schema_version", "message_type", "run_id", "payload_json"], EnvelopeFields.Request);
        Assert.Equal(["schema_version", "message_type", "run_id", "payload_json", "ok", "error", "error_code"], EnvelopeFields.Response);
    }

    [Fact]
    public void Encoder_should_write_the_fields_in_the_order_of_the_list()
    {
        var response = IpcCodec.EncodeResponse(IpcResponse.Failure(IpcErrors.TimeoutCode, "late", "r1"));
        var request = IpcCodec.EncodeRequest(new IpcRequest("runtime.ping", "r1", "{}"));

        Assert.Equal(EnvelopeFields.Response, Names(response));
        Assert.Equal(EnvelopeFields.Request, Names(request));
    }

    private static IEnumerable<string> Names(byte[] line) =>
        Newtonsoft.Json.Linq.JObject.Parse(Encoding.UTF8.GetString(line)).Properties().Select(property => property.Name);
}
