using System.Globalization;
using System.Text;
using Newtonsoft.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Writes envelopes as one compact JSON line. Responses always carry the seven fields of
/// protocol.md §4 in their fixed order, with <c>null</c> where empty; requests carry the four
/// request fields and leave out an absent <c>run_id</c>.
/// </summary>
internal static class EnvelopeEncoder
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static byte[] Encode(IpcResponse response) => ToLine(writer =>
    {
        writer.WritePropertyName("schema_version");
        writer.WriteValue(IpcSchema.Version);
        writer.WritePropertyName("message_type");
        writer.WriteValue(response.MessageType);
        writer.WritePropertyName("run_id");
        writer.WriteValue(response.RunId);
        writer.WritePropertyName("payload_json");
        writer.WriteValue(response.PayloadJson);
        writer.WritePropertyName("ok");
        writer.WriteValue(response.Ok);
        writer.WritePropertyName("error");
        writer.WriteValue(response.Error);
        writer.WritePropertyName("error_code");
        writer.WriteValue(response.ErrorCode);
    });

    public static byte[] Encode(IpcRequest request, string schemaVersion = IpcSchema.Version) => ToLine(writer =>
    {
        writer.WritePropertyName("schema_version");
        writer.WriteValue(schemaVersion);
        writer.WritePropertyName("message_type");
        writer.WriteValue(request.MessageType);
        if (request.RunId is not null)
        {
            writer.WritePropertyName("run_id");
            writer.WriteValue(request.RunId);
        }

        writer.WritePropertyName("payload_json");
        writer.WriteValue(request.PayloadJson);
    });

    private static byte[] ToLine(Action<JsonTextWriter> writeFields)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false })
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        }

        text.Write('\n');
        return Utf8.GetBytes(text.ToString());
    }
}
