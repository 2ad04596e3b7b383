using System.Buffers;
using System.Text;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>The fast delivery line must be, byte for byte, the line the envelope encoder writes for the same delivery.</summary>
public sealed class DeliveryLineSpecs
{
    [Theory]
    [InlineData("runs.r42", "{\"a\":[1,2.50,null]}", null, null, "s1", 1L, false, 0L)]
    [InlineData("t", "\"quote \\\" back \\\\ slash \\n nl \\u2028 ls\"", "key with \"quotes\" and \\ and \n and \u2028 and é", "run \"1\"\t", "s99", 123456789L, true, 42L)]
    [InlineData("a.b-c_d", "null", "", "", "weird\u0001id", long.MaxValue, false, long.MaxValue)]
    [InlineData("x", "\"\u0085 next line, \u2029 para, \u007f del, 😀 emoji\"", "\u0085\u2029\u007f😀", "😀", "s1", 9L, true, 1L)]
    public void A_delivery_line_should_equal_the_encoded_delivery_response(
        string topic, string body, string? key, string? runId, string subscription, long delivery, bool redelivered, long dropped)
    {
        var message = new PublishedMessage(topic, body, key, runId);
        var expected = EnvelopeEncoder.Encode(DeliveryEncoder.Response(subscription, message, delivery, redelivered, dropped));

        var output = new ArrayBufferWriter<byte>();
        var subscriptionBytes = DeliveryLine.SubscriptionBytes(subscription);
        DeliveryLine.Write(output, message, subscriptionBytes, delivery, redelivered, dropped);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(expected.Length, DeliveryLine.Length(message.LineParts, subscriptionBytes, delivery, redelivered, dropped));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(17L)]
    public void A_stream_delivery_line_should_end_with_its_stream_and_seq_as_the_encoder_writes_them(long dropped)
    {
        var message = new PublishedMessage("orders.new", "{\"n\":1}", "k", "r1") { Stream = "orders_2", Seq = 9_007_199_254_740_993 };
        var expected = EnvelopeEncoder.Encode(DeliveryEncoder.Response("s3", message, 4, redelivered: true, dropped));

        var output = new ArrayBufferWriter<byte>();
        var subscription = DeliveryLine.SubscriptionBytes("s3");
        DeliveryLine.Write(output, message, subscription, 4, redelivered: true, dropped);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(expected.Length, DeliveryLine.Length(message.LineParts, subscription, 4, redelivered: true, dropped));
        var payload = Newtonsoft.Json.Linq.JObject.Parse(IpcCodec.DecodeResponse(expected).PayloadJson);
        Assert.Equal(
            dropped == 0 ? ["subscription", "topic", "delivery", "redelivered", "body", "key", "stream", "seq"] : ["subscription", "topic", "delivery", "redelivered", "body", "key", "dropped", "stream", "seq"],
            payload.Properties().Select(property => property.Name));
        Assert.Equal(9_007_199_254_740_993, (long)payload["seq"]!);
    }

    /// <summary>A message written once keeps no pieces; its line is made in place each time, even after another message's.</summary>
    [Fact]
    public void A_message_written_once_should_give_the_same_line_again_after_another_messages_line()
    {
        var first = new PublishedMessage("runs.a", Encoding.UTF8.GetBytes("{\"n\":1}"), "k", "r1") { WrittenOnce = true };
        var second = new PublishedMessage("runs.b", Encoding.UTF8.GetBytes("[\"\u009b\"]"), null, null) { WrittenOnce = true };
        var subscription = DeliveryLine.SubscriptionBytes("s1");
        string Line(PublishedMessage message)
        {
            var output = new ArrayBufferWriter<byte>();
            DeliveryLine.Write(output, message, subscription, 1, redelivered: false, dropped: 0);
            return Encoding.UTF8.GetString(output.WrittenSpan);
        }

        var once = Line(first);
        Assert.Contains("runs.b", Line(second), StringComparison.Ordinal);

        Assert.Equal(once, Line(first));
        Assert.Equal(Encoding.UTF8.GetString(EnvelopeEncoder.Encode(DeliveryEncoder.Response("s1", first, 1, redelivered: false))), once);
    }

    [Fact]
    public void Random_messages_should_give_the_same_bytes_both_ways()
    {
        var random = new Random(1313);
        const string Alphabet = "ab\"\\\n\r\t\b\f\u000b\u0000\u001f\u007f\u0080\u0085\u009f\u00a0\u2027\u2028\u2029\u202aé€😀 <>&'/";
        string Text(int max)
        {
            var builder = new StringBuilder();
            for (var i = random.Next(max); i > 0; i--)
            {
                builder.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            // A lone surrogate half would not survive UTF-8 either way; keep pairs whole.
            return builder.ToString().Replace("\ud83d", "", StringComparison.Ordinal).Replace("\ude00", "", StringComparison.Ordinal);
        }

        for (var i = 0; i < 2000; i++)
        {
            var body = Newtonsoft.Json.JsonConvert.ToString(Text(20));
            var fromStream = random.Next(3) == 0;
            var topic = random.Next(4) == 0 ? Text(8) : "t." + i;
            var (key, runId) = (random.Next(2) == 0 ? null : Text(10), random.Next(2) == 0 ? null : Text(10));
            var stream = fromStream ? "orders-" + random.Next(10) : null;
            var seq = fromStream ? random.NextInt64(1, long.MaxValue) : 0;

            // Held as text (from a stream or another node) or as the UTF-8 a publish is read into.
            var message = random.Next(2) == 0
                ? new PublishedMessage(topic, body, key, runId) { Stream = stream, Seq = seq }
                : new PublishedMessage(topic, Encoding.UTF8.GetBytes(body), key, runId) { Stream = stream, Seq = seq };
            message.WrittenOnce = random.Next(2) == 0;
            var subscription = "s" + random.Next(1000);
            var delivery = random.NextInt64(1, long.MaxValue);
            var dropped = random.Next(3) == 0 ? 0 : random.NextInt64(1, 1000);
            var redelivered = random.Next(2) == 0;

            var expected = EnvelopeEncoder.Encode(DeliveryEncoder.Response(subscription, message, delivery, redelivered, dropped));
            var output = new ArrayBufferWriter<byte>();
            DeliveryLine.Write(output, message, DeliveryLine.SubscriptionBytes(subscription), delivery, redelivered, dropped);

            Assert.True(expected.AsSpan().SequenceEqual(output.WrittenSpan), $"differs for {message.Body} / {message.Key} / {message.RunId}");
        }
    }
}
