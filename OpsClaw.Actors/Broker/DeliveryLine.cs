using System.Buffers;
using System.Buffers.Text;
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
    private static readonly byte[] EscapedQuote = "\\\""u8.ToArray();
    private static readonly byte[] Redelivered = Escaped(",\"" + DeliveryEncoder.RedeliveredField + "\":true");
    private static readonly byte[] NotRedelivered = Escaped(",\"" + DeliveryEncoder.RedeliveredField + "\":false");
    private static readonly byte[] DroppedName = Escaped(",\"" + DeliveryEncoder.DroppedField + "\":");
    private static readonly byte[] SubscriptionOpening = [.. "\""u8, .. Escaped("{\"" + DeliveryEncoder.SubscriptionField + "\":\"")];
    private static readonly byte[] TopicName = Escaped("\",\"" + DeliveryEncoder.TopicField + "\":");
    private static readonly byte[] DeliveryName = Escaped(",\"" + DeliveryEncoder.DeliveryField + "\":");
    private static readonly byte[] BodyName = Escaped(",\"" + DeliveryEncoder.BodyField + "\":");
    private static readonly byte[] KeyName = Escaped(",\"" + DeliveryEncoder.KeyField + "\":");
    private static readonly byte[] StreamName = Escaped(",\"" + DeliveryEncoder.StreamField + "\":");
    private static readonly byte[] SeqName = Escaped(",\"" + DeliveryEncoder.SeqField + "\":");
    private static readonly byte[] Tail = JsonEscaping.Bytes(target =>
    {
        JsonEscaping.WriteRaw(target, "}\""u8);
        EnvelopeEncoder.WriteTail(target, ok: true, error: null, errorCode: null);
    });

    /// <summary>One reusable builder per thread: a message's parts are made by whichever connection writes it first.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_parts;

    /// <summary>This thread's <see cref="View"/>: one object, pointed at each message's pieces in turn.</summary>
    [ThreadStatic]
    private static Parts? t_view;

    /// <summary>The subscription id as it appears in every delivery line: a JSON string's content, escaped again for <c>payload_json</c>.</summary>
    public static byte[] SubscriptionBytes(string subscription) => Escaped(Inner(subscription));

    /// <summary>The line's exact length, <c>\n</c> included, from the message's pieces.</summary>
    public static int Length(Parts parts, byte[] subscription, long delivery, bool redelivered, long dropped) =>
        parts.Head.Length + subscription.Length + parts.Middle.Length + Digits(delivery)
            + (redelivered ? Redelivered.Length : NotRedelivered.Length) + parts.Body.Length
            + (dropped == 0 ? 0 : DroppedName.Length + Digits(dropped)) + parts.Stream.Length + Tail.Length;

    /// <summary>Writes the whole line, <c>\n</c> included, into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, PublishedMessage message, byte[] subscription, long delivery, bool redelivered, long dropped)
    {
        var parts = message.LineParts;
        Write(output, parts, subscription, delivery, redelivered, dropped, Length(parts, subscription, delivery, redelivered, dropped));
    }

    /// <summary>The same, from the message's pieces, for a caller that has just asked <see cref="Length(Parts, byte[], long, bool, long)"/> for the line.</summary>
    public static void Write(IBufferWriter<byte> output, Parts parts, byte[] subscription, long delivery, bool redelivered, long dropped, int length)
    {
        var span = output.GetSpan(length);
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

    /// <summary>A message's escaped pieces, in one array of their own: made once, by whichever connection writes it first.</summary>
    public static Parts Build(PublishedMessage message)
    {
        var (middleAt, bodyAt, streamAt) = WriteParts(message);
        return new Parts(ScratchBytes.Finish(ref t_parts), middleAt, bodyAt, streamAt);
    }

    /// <summary>
    /// A message's escaped pieces for one line about to be written, left in this thread's scratch buffer
    /// rather than copied out: valid until this thread makes another message's pieces. For a message the
    /// broker expects to be written once, so nothing is kept that no second line would use.
    /// </summary>
    public static Parts View(PublishedMessage message)
    {
        var (middleAt, bodyAt, streamAt) = WriteParts(message);
        var view = t_view ??= new Parts(ReadOnlyMemory<byte>.Empty, 0, 0, 0);
        view.Reset(t_parts!.WrittenMemory, middleAt, bodyAt, streamAt);
        return view;
    }

    private static (int MiddleAt, int BodyAt, int StreamAt) WriteParts(PublishedMessage message)
    {
        var bytes = ScratchBytes.Start(ref t_parts);
        EnvelopeEncoder.WriteHead(bytes, MessageTypes.RuntimeMessage, message.RunId);
        JsonEscaping.WriteRaw(bytes, SubscriptionOpening);
        var middleAt = bytes.WrittenCount;
        JsonEscaping.WriteRaw(bytes, TopicName);
        WriteNested(bytes, message.Topic);
        JsonEscaping.WriteRaw(bytes, DeliveryName);
        var bodyAt = bytes.WrittenCount;
        JsonEscaping.WriteRaw(bytes, BodyName);
        JsonEscaping.WriteContent(bytes, message.BodyUtf8);
        if (message.Key is { } key)
        {
            JsonEscaping.WriteRaw(bytes, KeyName);
            WriteNested(bytes, key);
        }

        var streamAt = bytes.WrittenCount;
        if (message.Stream is { } stream)
        {
            JsonEscaping.WriteRaw(bytes, StreamName);
            WriteNested(bytes, stream);
            JsonEscaping.WriteRaw(bytes, SeqName);
            bytes.Advance(Number(bytes.GetSpan(20), message.Seq));
        }

        return (middleAt, bodyAt, streamAt);
    }

    private static byte[] Escaped(string text) => JsonEscaping.Escaped(text);

    /// <summary>
    /// A string field of the payload, as it is inside <c>payload_json</c>: its JSON string (as the payload's
    /// Newtonsoft writer quotes it) escaped once more. A topic has nothing to escape, and then the quotes are all
    /// there is to add; Newtonsoft's default escapes are a subset of ours, so its quoting is needed only otherwise.
    /// </summary>
    private static void WriteNested(IBufferWriter<byte> bytes, string text)
    {
        if (!JsonEscaping.IsPlain(text))
        {
            JsonEscaping.WriteContent(bytes, JsonConvert.ToString(text));
            return;
        }

        JsonEscaping.WriteRaw(bytes, EscapedQuote);
        JsonEscaping.WriteContent(bytes, text);
        JsonEscaping.WriteRaw(bytes, EscapedQuote);
    }

    /// <summary>The content of <paramref name="text"/> as a JSON string, without its quotes.</summary>
    private static string Inner(string text)
    {
        var quoted = JsonConvert.ToString(text);
        return quoted[1..^1];
    }

    private static void Put(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }

    private static int Number(Span<byte> span, long value)
    {
        Utf8Formatter.TryFormat(value, span, out var written);
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

    /// <summary>The escaped pieces of one message's delivery lines, one after the other in one array.</summary>
    /// <remarks>
    /// <see cref="Head"/>: the envelope up to the subscription id (schema, type, <c>run_id</c>, the payload's opening).
    /// <see cref="Middle"/>: from after the subscription id to the delivery number (the topic).
    /// <see cref="Body"/>: the body and, when the message has one, the key.
    /// <see cref="Stream"/>: for a message read from a stream, its <c>stream</c> and <c>seq</c> fields (after <c>dropped</c>); empty otherwise.
    /// </remarks>
    internal sealed class Parts(ReadOnlyMemory<byte> bytes, int middleAt, int bodyAt, int streamAt)
    {
        private ReadOnlyMemory<byte> _bytes = bytes;
        private int _middleAt = middleAt;
        private int _bodyAt = bodyAt;
        private int _streamAt = streamAt;

        public ReadOnlySpan<byte> Head => _bytes.Span[.._middleAt];

        public ReadOnlySpan<byte> Middle => _bytes.Span[_middleAt.._bodyAt];

        public ReadOnlySpan<byte> Body => _bytes.Span[_bodyAt.._streamAt];

        public ReadOnlySpan<byte> Stream => _bytes.Span[_streamAt..];

        /// <summary>Points this thread's view at the pieces just written to its scratch buffer.</summary>
        internal void Reset(ReadOnlyMemory<byte> bytes, int middleAt, int bodyAt, int streamAt) =>
            (_bytes, _middleAt, _bodyAt, _streamAt) = (bytes, middleAt, bodyAt, streamAt);
    }
}
