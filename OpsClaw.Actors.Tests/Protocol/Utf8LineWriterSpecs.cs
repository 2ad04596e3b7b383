using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>The UTF-8 writer behind the envelope encoder gives the bytes that encoding the whole line as one string gives.</summary>
public sealed class Utf8LineWriterSpecs
{
    [Fact]
    public void Writer_should_encode_a_surrogate_pair_split_across_two_writes()
    {
        var writer = new Utf8LineWriter();
        var text = "é😀x";

        writer.Write(text[..2]);
        writer.Write(text[2..]);

        Assert.Equal(Encoding.UTF8.GetBytes(text), writer.TakeBytes());
    }

    /// <summary>By index: xUnit names cases by their serialized text, in which lone surrogates all look alike.</summary>
    private static readonly string[] LoneSurrogates = ["a\ud800b", "ab\udc00", "ab\ud800"];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Writer_should_replace_a_lone_surrogate_as_whole_string_encoding_does(int index)
    {
        var text = LoneSurrogates[index];
        var writer = new Utf8LineWriter();

        foreach (var c in text)
        {
            writer.Write(c);
        }

        Assert.Equal(Encoding.UTF8.GetBytes(text), writer.TakeBytes());
    }

    [Fact]
    public void Writer_should_start_empty_after_taking_a_line_longer_than_it_keeps()
    {
        var writer = new Utf8LineWriter();
        var huge = new string('ü', 100_000);

        writer.Write(huge);
        var first = writer.TakeBytes();
        writer.Write("next\n");

        Assert.Equal(Encoding.UTF8.GetBytes(huge), first);
        Assert.Equal("next\n"u8.ToArray(), writer.TakeBytes());
    }

    [Fact]
    public void Encoder_should_write_non_ascii_text_in_utf8_byte_for_byte()
    {
        var bytes = IpcCodec.EncodeResponse(IpcResponse.Success("runtime.pong", "ré-😀", """{"name":"ü"}"""));

        var expected = """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.pong","run_id":"ré-😀","payload_json":"{\"name\":\"ü\"}","ok":true,"error":null,"error_code":null}""" + "\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
    }
}
