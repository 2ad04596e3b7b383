using System.Buffers;
using System.Text;
using Newtonsoft.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>
/// The one-pass escaper behind every line the host writes: the bytes Newtonsoft's writer gives for the same
/// text (its default escapes), with DEL and the C1 controls as <c>\u</c> escapes, encoded to UTF-8 as a
/// whole string would be (a lone surrogate as U+FFFD).
/// </summary>
public sealed class JsonEscapingSpecs
{
    [Fact]
    public void Escaper_should_write_a_surrogate_pair_as_one_four_byte_character()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("é😀x"), JsonEscaping.Escaped("é😀x"));
    }

    /// <summary>By index: xUnit names cases by their serialized text, in which lone surrogates all look alike.</summary>
    private static readonly string[] LoneSurrogates = ["a\ud800b", "ab\udc00", "ab\ud800", "\ud800\"", "\"\udc00"];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Escaper_should_replace_a_lone_surrogate_as_whole_string_encoding_does(int index)
    {
        var text = LoneSurrogates[index];

        Assert.Equal(Encoding.UTF8.GetBytes(text.Replace("\"", "\\\"", StringComparison.Ordinal)), JsonEscaping.Escaped(text));
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(8191)]
    public void Escaper_should_encode_a_long_string_in_pieces_exactly_even_with_a_surrogate_pair_across_a_piece_boundary(int pairAt)
    {
        var text = new string('ü', pairAt) + "😀" + new string('a', 10_000);
        var target = new ArrayBufferWriter<byte>();

        JsonEscaping.WriteContent(target, text);

        Assert.Equal(Encoding.UTF8.GetBytes(text), target.WrittenSpan.ToArray());
    }

    [Fact]
    public void Escaper_should_never_ask_the_target_for_more_room_than_it_says()
    {
        var target = new LimitedWriter(EnvelopeEncoder.MaxRequestBytes);

        JsonEscaping.WriteContent(target, new string('€', 20_000) + "\"\n\u009b" + new string('x', 9_000));

        Assert.Equal(20_000 * 3 + 2 + 2 + 6 + 9_000, target.Written);

        var utf8Target = new LimitedWriter(EnvelopeEncoder.MaxRequestBytes);
        JsonEscaping.WriteContent(utf8Target, Encoding.UTF8.GetBytes(new string('\u0001', 20_000) + new string('€', 5_001) + "\u009b"));
        Assert.Equal(20_000 * 6 + 5_001 * 3 + 6, utf8Target.Written);
    }

    [Fact]
    public void Encoder_should_write_non_ascii_text_in_utf8_byte_for_byte()
    {
        var bytes = IpcCodec.EncodeResponse(IpcResponse.Success("runtime.pong", "ré-😀", """{"name":"ü"}"""));

        var expected = """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.pong","run_id":"ré-😀","payload_json":"{\"name\":\"ü\"}","ok":true,"error":null,"error_code":null}""" + "\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
    }

    /// <summary>Every character class the escaper treats apart, mixed at random, against Newtonsoft's writer plus the DEL/C1 rule.</summary>
    [Fact]
    public void Random_text_should_give_the_bytes_newtonsofts_writer_gives()
    {
        var random = new Random(4242);
        const string Alphabet = "aZ09 \"\\/'<>&\n\r\t\b\f\u000b\u0000\u001f\u007f\u0080\u0085\u009b\u009f\u00a0é\u2027\u2028\u2029\u202a€😀\ud800\udc00\ufffd";
        for (var round = 0; round < 2_000; round++)
        {
            var value = RandomText(random, Alphabet, 40);
            Assert.Equal(NewtonsoftReference.Quoted(value), Encoding.UTF8.GetString([.. "\""u8, .. JsonEscaping.Escaped(value), .. "\""u8]));
        }
    }

    /// <summary>The escaper over UTF-8 (a publish's body as read) must write what the escaper over the same text as UTF-16 writes.</summary>
    [Fact]
    public void Random_utf8_text_should_escape_as_its_utf16_text_does()
    {
        var random = new Random(2929);
        const string Alphabet = "aZ09 \"\\/'\n\r\t\b\f\u000b\u0000\u001f\u007f\u0080\u0085\u009b\u009f\u00a0\u00bf\u00c2é\u2027\u2028\u2029\u202a\u20ac\u0800😀\ufffd";
        for (var round = 0; round < 2_000; round++)
        {
            // Only whole pairs: UTF-8 has no lone surrogates, which is what the body's reader guarantees.
            var value = RandomText(random, Alphabet, 40).Replace("\ud83d", "", StringComparison.Ordinal).Replace("\ude00", "", StringComparison.Ordinal);
            Assert.Equal(JsonEscaping.Escaped(value), EscapedUtf8(Encoding.UTF8.GetBytes(value)));
        }
    }

    /// <summary>Long text is escaped in pieces; a C1 control or a line separator across a piece's end must still be escaped.</summary>
    [Theory]
    [InlineData(2045)]
    [InlineData(2046)]
    [InlineData(2047)]
    [InlineData(2048)]
    [InlineData(4095)]
    public void Utf8_escaper_should_escape_a_character_across_a_piece_boundary(int at)
    {
        var text = new string('x', at) + "\u009f\u2028é" + new string('y', 3_000) + "\u2029";

        Assert.Equal(JsonEscaping.Escaped(text), EscapedUtf8(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Utf8_escaper_should_copy_a_cut_off_lead_byte_rather_than_read_past_the_end()
    {
        Assert.Equal([0x61, 0xC2], EscapedUtf8([0x61, 0xC2]));
        Assert.Equal([0xE2, 0x80], EscapedUtf8([0xE2, 0x80]));
        Assert.Equal("\\u2028"u8.ToArray(), EscapedUtf8([0xE2, 0x80, 0xA8]));
    }

    [Fact]
    public void Random_responses_and_requests_should_encode_as_newtonsofts_writer_encoded_them()
    {
        var random = new Random(77);
        const string Alphabet = "ab\"\\\n\u0000\u007f\u0085\u2028é😀\ud800{}:,";
        string? Text(bool nullable) => nullable && random.Next(4) == 0 ? null : RandomText(random, Alphabet, 12);

        for (var round = 0; round < 500; round++)
        {
            var response = new IpcResponse(Text(false)!, Text(true), Text(false)!, random.Next(2) == 0, Text(true), Text(true));
            var expected = NewtonsoftReference.Response(response);
            Assert.Equal(expected, Encoding.UTF8.GetString(EnvelopeEncoder.Encode(response)));
            Assert.Equal(Encoding.UTF8.GetByteCount(expected), EnvelopeEncoder.CountBytes(response));
            Assert.True(EnvelopeEncoder.MaxBytes(response) >= EnvelopeEncoder.CountBytes(response));

            var request = new IpcRequest(Text(false)!, Text(true), Text(false)!);
            var schema = Text(false)!;
            Assert.Equal(NewtonsoftReference.Request(request, schema), Encoding.UTF8.GetString(EnvelopeEncoder.Encode(request, schema)));
        }
    }

    /// <summary>Up to <paramref name="max"/> characters drawn from <paramref name="alphabet"/>.</summary>
    private static string RandomText(Random random, string alphabet, int max)
    {
        var text = new StringBuilder();
        for (var i = random.Next(max); i > 0; i--)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }

    private static byte[] EscapedUtf8(byte[] utf8)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonEscaping.WriteContent(output, utf8.AsSpan());
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Heads, short payloads and success tails are kept per thread between replies; repeats and switches must not change a byte.</summary>
    [Fact]
    public void Replies_repeating_and_switching_types_and_payloads_should_encode_as_newtonsofts_writer_encoded_them()
    {
        const string Shared = "{\"matched\":1}";
        var other = new string([.. "{\"matched\":1}"]);
        var responses = new[]
        {
            IpcResponse.Success("runtime.publish.ack", "r1", Shared),
            IpcResponse.Success("runtime.publish.ack", "r2", Shared),
            IpcResponse.Success("runtime.publish.ack", "r3", Shared),
            IpcResponse.Success("runtime.publish.ack", null, other),
            IpcResponse.Success("runtime.pong", "r\"4", "{\"x\":\"\u2028\"}"),
            IpcResponse.Success("runtime.pong", "r5", "{\"x\":\"\u2028\"}"),
            new IpcResponse("runtime.publish.ack", "r6", "{}", false, "queue \"full\"", "overloaded"),
            IpcResponse.Success("runtime.publish.ack", "r7", Shared),
            IpcResponse.Success("runtime.publish.ack", "r8", new string('p', 200)),
            IpcResponse.Success("runtime.publish.ack", "r9", Shared),
        };

        foreach (var response in responses)
        {
            Assert.Equal(NewtonsoftReference.Response(response), Encoding.UTF8.GetString(EnvelopeEncoder.Encode(response)));
            Assert.Equal(Encoding.UTF8.GetByteCount(NewtonsoftReference.Response(response)), EnvelopeEncoder.CountBytes(response));
        }
    }

    /// <summary>How the host wrote lines before the escaper: Newtonsoft's writer, then DEL and C1 escaped in what it wrote.</summary>
    private static class NewtonsoftReference
    {
        public static string Quoted(string value) => LineWriterEscapes(JsonConvert.ToString(value));

        public static string Response(IpcResponse response) => Line(writer =>
        {
            Field(writer, "schema_version", IpcSchema.Version);
            Field(writer, "message_type", response.MessageType);
            Field(writer, "run_id", response.RunId);
            Field(writer, "payload_json", response.PayloadJson);
            writer.WritePropertyName("ok");
            writer.WriteValue(response.Ok);
            Field(writer, "error", response.Error);
            Field(writer, "error_code", response.ErrorCode);
        });

        public static string Request(IpcRequest request, string schema) => Line(writer =>
        {
            Field(writer, "schema_version", schema);
            Field(writer, "message_type", request.MessageType);
            if (request.RunId is not null)
            {
                Field(writer, "run_id", request.RunId);
            }

            Field(writer, "payload_json", request.PayloadJson);
        });

        private static void Field(JsonTextWriter writer, string name, string? value)
        {
            writer.WritePropertyName(name);
            writer.WriteValue(value);
        }

        private static string Line(Action<JsonTextWriter> fields)
        {
            var text = new StringWriter();
            using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None })
            {
                writer.WriteStartObject();
                fields(writer);
                writer.WriteEndObject();
            }

            // Lone surrogates: what encoding to UTF-8 makes of them, so the comparison is on what goes on the wire.
            return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(LineWriterEscapes(text.ToString()) + "\n"));
        }

        private static string LineWriterEscapes(string text)
        {
            var escaped = new StringBuilder();
            foreach (var c in text)
            {
                if (c is >= '\u007f' and <= '\u009f')
                {
                    escaped.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    escaped.Append(c);
                }
            }

            return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(escaped.ToString()));
        }
    }

    /// <summary>A target that fails a request for more room than <c>limit</c>, and counts what is written.</summary>
    private sealed class LimitedWriter(int limit) : IBufferWriter<byte>
    {
        private readonly byte[] _scratch = new byte[limit];

        public int Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint);

        private byte[] Room(int sizeHint)
        {
            Assert.InRange(sizeHint, 0, limit);
            return _scratch;
        }
    }
}
