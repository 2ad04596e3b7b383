using System.Buffers;
using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// Writes a <c>runtime.message</c> line straight into an output buffer, byte for byte what
/// <see cref="EnvelopeEncoder"/> writes for <see cref="DeliveryEncoder.Response"/>, without building
/// the payload string or escaping it per delivery. A delivery line is the same bytes for every
/// subscriber but for the subscription id, the delivery number, <c>redelivered</c> and
/// <c>dropped</c>; the message's parts (envelope head with its <c>run_id</c>, topic, body, key) are
/// escaped once per message (<see cref="Parts"/>), the subscription's id once per subscription.
/// String escaping works character by character, so escaping the pieces one by one gives what
/// escaping the whole payload at once gives.
/// </summary>
internal static class DeliveryLine
{
    private static readonly byte[] Redelivered = Escaped(",\"redelivered\":true");
    private static readonly byte[] NotRedelivered = Escaped(",\"redelivered\":false");
    private static readonly byte[] DroppedName = Escaped(",\"dropped\":");
    private static readonly byte[] Tail = Line(target =>
    {
        JsonEscaping.WriteRaw(target, "}\""u8);
        EnvelopeEncoder.WriteTail(target, ok: true, error: null, errorCode: null);
    });

    /// <summary>The subscription id as it appears in every delivery line: a JSON string's content, escaped again for <c>payload_json</c>.</summary>
    public static byte[] SubscriptionBytes(string subscription) => Escaped(Inner(subscription));

    /// <summary>The line's exact length, <c>\n</c> included.</summary>
    public static int Length(PublishedMessage message, byte[] subscription, long delivery, bool redelivered, long dropped)
    {
        var parts = message.LineParts;
        return parts.Head.Length + subscription.Length + parts.Middle.Length + Digits(delivery)
            + (redelivered ? Redelivered.Length : NotRedelivered.Length) + parts.Body.Length
            + (dropped == 0 ? 0 : DroppedName.Length + Digits(dropped)) + parts.Stream.Length + Tail.Length;
    }

    /// <summary>Writes the whole line, <c>\n</c> included, into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, PublishedMessage message, byte[] subscription, long delivery, bool redelivered, long dropped)
    {
        var parts = message.LineParts;
        var span = output.GetSpan(Length(message, subscription, delivery, redelivered, dropped));
        var at = 0;
        Put(span, ref at, parts.Head);
        Put(span, ref at, subscription);
        Put(span, ref at, parts.Middle);
        at += Number(span[at..], delivery);
        Put(span, ref at, redelivered ? Redelivered : NotRedelivered);
        Put(span, ref at, parts.Body);
        if (dropped != 0)
        {
            Put(span, ref at, DroppedName);
            at += Number(span[at..], dropped);
        }

        Put(span, ref at, parts.Stream);
        Put(span, ref at, Tail);
        output.Advance(at);
    }

    /// <summary>A message's escaped pieces; made once, by whichever connection writes it first.</summary>
    public static Parts Build(PublishedMessage message)
    {
        var head = Line(target =>
        {
            EnvelopeEncoder.WriteHead(target, MessageTypes.RuntimeMessage, message.RunId);
            JsonEscaping.WriteRaw(target, "\""u8);
        });
        var body = ",\"" + DeliveryEncoder.BodyField + "\":" + message.Body
            + (message.Key is { } key ? ",\"" + DeliveryEncoder.KeyField + "\":" + JsonConvert.ToString(key) : "");
        return new Parts(
            [.. head, .. Escaped("{\"" + DeliveryEncoder.SubscriptionField + "\":\"")],
            Escaped("\",\"" + DeliveryEncoder.TopicField + "\":" + JsonConvert.ToString(message.Topic) + ",\"" + DeliveryEncoder.DeliveryField + "\":"),
            Escaped(body),
            message.Stream is { } stream
                ? Escaped(",\"" + DeliveryEncoder.StreamField + "\":" + JsonConvert.ToString(stream) + ",\"" + DeliveryEncoder.SeqField + "\":"
                    + message.Seq.ToString(CultureInfo.InvariantCulture))
                : []);
    }

    private static byte[] Escaped(string text) => JsonEscaping.Escaped(text);

    private static byte[] Line(Action<IBufferWriter<byte>> write)
    {
        var bytes = new ArrayBufferWriter<byte>(128);
        write(bytes);
        return bytes.WrittenSpan.ToArray();
    }

    /// <summary>The content of <paramref name="text"/> as a JSON string, without its quotes.</summary>
    private static string Inner(string text)
    {
        var quoted = JsonConvert.ToString(text);
        return quoted[1..^1];
    }

    private static void Put(Span<byte> span, ref int at, byte[] bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }

    private static int Number(Span<byte> span, long value)
    {
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    private static int Digits(long value)
    {
        var digits = 1;
        for (var rest = value / 10; rest != 0; rest /= 10)
        {
            digits++;
        }

        return value < 0 ? digits + 1 : digits;
    }

    /// <summary>The escaped pieces of one message's delivery lines.</summary>
    /// <param name="Head">The envelope up to the subscription id: schema, type, <c>run_id</c>, and the payload's opening.</param>
    /// <param name="Middle">From after the subscription id to the delivery number: the topic.</param>
    /// <param name="Body">The body and, when the message has one, the key.</param>
    /// <param name="Stream">For a message read from a stream, its <c>stream</c> and <c>seq</c> fields (after <c>dropped</c>); empty otherwise.</param>
    internal sealed record Parts(byte[] Head, byte[] Middle, byte[] Body, byte[] Stream);
}
