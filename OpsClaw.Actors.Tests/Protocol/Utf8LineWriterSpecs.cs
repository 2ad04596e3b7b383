using System.Buffers;
using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>The UTF-8 writer behind the envelope encoder gives the bytes that encoding the whole line as one string gives.</summary>
public sealed class Utf8LineWriterSpecs
{
    [Fact]
    public void Writer_should_encode_a_surrogate_pair_split_across_two_writes()
    {
        var text = "é😀x";

        var bytes = Written(writer =>
        {
            writer.Write(text[..2]);
            writer.Write(text[2..]);
        });

        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
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

        var bytes = Written(writer =>
        {
            foreach (var c in text)
            {
                writer.Write(c);
            }
        });

        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(8191)]
    public void Writer_should_encode_a_long_string_in_pieces_exactly_even_with_a_surrogate_pair_across_a_piece_boundary(int pairAt)
    {
        var text = new string('ü', pairAt) + "😀" + new string('a', 10_000);
        var target = new ArrayBufferWriter<byte>();

        Written(writer => writer.Write(text), target);

        Assert.Equal(Encoding.UTF8.GetBytes(text), target.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writer_should_start_each_line_afresh_after_one_left_a_surrogate_half_way()
    {
        var first = Written(writer => writer.Write("ab\ud83d"));
        var second = Written(writer => writer.Write("next\n"));

        Assert.Equal(Encoding.UTF8.GetBytes("ab\ud83d"), first);
        Assert.Equal("next\n"u8.ToArray(), second);
    }

    [Fact]
    public void Encoder_should_write_non_ascii_text_in_utf8_byte_for_byte()
    {
        var bytes = IpcCodec.EncodeResponse(IpcResponse.Success("runtime.pong", "ré-😀", """{"name":"ü"}"""));

        var expected = """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.pong","run_id":"ré-😀","payload_json":"{\"name\":\"ü\"}","ok":true,"error":null,"error_code":null}""" + "\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
    }

    private static byte[] Written(Action<Utf8LineWriter> write, ArrayBufferWriter<byte>? target = null)
    {
        target ??= new ArrayBufferWriter<byte>();
        var writer = new Utf8LineWriter();
        writer.Start(target);
        write(writer);
        writer.Finish();
        return target.WrittenSpan.ToArray();
    }
}
