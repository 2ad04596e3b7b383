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
    /// <summary>
    /// Characters the envelope writer does not write as themselves inside a string. Declared first: the
    /// fields below are made with it, and static fields are set in the order they are written.
    /// </summary>
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "\"\\" + new string([.. Enumerable.Range(0, 0x20).Select(code => (char)code)])
        + new string([.. Enumerable.Range(0x7F, 0x21).Select(code => (char)code)]) + "\u2028\u2029");

    /// <summary>What the line writer alone escapes: DEL and the C1 controls.</summary>
    private static readonly SearchValues<char> LineWriterOnly = SearchValues.Create(
        new string([.. Enumerable.Range(0x7F, 0x21).Select(code => (char)code)]));

    private static readonly byte[] Redelivered = Escaped(",\"redelivered\":true");
    private static readonly byte[] NotRedelivered = Escaped(",\"redelivered\":false");
    private static readonly byte[] DroppedName = Escaped(",\"dropped\":");
    private static readonly byte[] Tail = Raw(
        "}\",\"" + EnvelopeFields.Ok + "\":true,\"" + EnvelopeFields.Error + "\":null,\"" + EnvelopeFields.ErrorCode + "\":null}\n");

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
        var head = "{\"" + EnvelopeFields.SchemaVersion + "\":\"" + IpcSchema.Version + "\",\"" + EnvelopeFields.MessageType + "\":\""
            + MessageTypes.RuntimeMessage + "\",\"" + EnvelopeFields.RunId + "\":" + (message.RunId is { } runId ? JsonConvert.ToString(runId) : "null")
            + ",\"" + EnvelopeFields.PayloadJson + "\":\"";
        var body = ",\"" + DeliveryEncoder.BodyField + "\":" + message.Body
            + (message.Key is { } key ? ",\"" + DeliveryEncoder.KeyField + "\":" + JsonConvert.ToString(key) : "");
        return new Parts(
            [.. Raw(head), .. Escaped("{\"" + DeliveryEncoder.SubscriptionField + "\":\"")],
            Escaped("\",\"" + DeliveryEncoder.TopicField + "\":" + JsonConvert.ToString(message.Topic) + ",\"" + DeliveryEncoder.DeliveryField + "\":"),
            Escaped(body),
            message.Stream is { } stream
                ? Escaped(",\"" + DeliveryEncoder.StreamField + "\":" + JsonConvert.ToString(stream) + ",\"" + DeliveryEncoder.SeqField + "\":"
                    + message.Seq.ToString(CultureInfo.InvariantCulture))
                : []);
    }

    /// <summary>
    /// Line text outside any string value, with strings already JSON-encoded in it (the <c>run_id</c>):
    /// only what <see cref="Utf8LineWriter"/> adds, DEL and the C1 controls as <c>\u</c> escapes.
    /// </summary>
    private static byte[] Raw(string text) => Encode(text, LineWriterOnly);

    /// <summary>
    /// Text as the envelope writer makes it bytes inside a JSON string: Newtonsoft's default escaping
    /// (quote, backslash, the controls below U+0020 with their short forms, U+0085, U+2028, U+2029), then
    /// <see cref="Utf8LineWriter"/>'s (DEL and the other C1 controls as <c>\u</c> escapes, a lone
    /// surrogate as U+FFFD). One pass over UTF-16, and none at all for text with nothing to escape.
    /// </summary>
    private static byte[] Escaped(string text) => Encode(text, Special);

    /// <summary>
    /// The UTF-8 bytes of <paramref name="text"/> with each character of <paramref name="special"/>
    /// escaped (short forms for the five that have one, <c>\u</c> for the rest).
    /// </summary>
    private static byte[] Encode(string text, SearchValues<char> special)
    {
        var rest = text.AsSpan();
        var at = rest.IndexOfAny(special);
        if (at < 0)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var line = new StringBuilder(text.Length + 16);
        while (at >= 0)
        {
            line.Append(rest[..at]);
            var c = rest[at];
            switch (c)
            {
                case '"':
                    line.Append("\\\"");
                    break;
                case '\\':
                    line.Append("\\\\");
                    break;
                case '\b':
                    line.Append("\\b");
                    break;
                case '\t':
                    line.Append("\\t");
                    break;
                case '\n':
                    line.Append("\\n");
                    break;
                case '\f':
                    line.Append("\\f");
                    break;
                case '\r':
                    line.Append("\\r");
                    break;
                default:
                    line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }

            rest = rest[(at + 1)..];
            at = rest.IndexOfAny(special);
        }

        line.Append(rest);
        return Encoding.UTF8.GetBytes(line.ToString());
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
