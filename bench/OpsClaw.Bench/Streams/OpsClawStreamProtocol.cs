using System.Globalization;
using Newtonsoft.Json;

namespace OpsClaw.Bench;

/// <summary>
/// opsclaw's streams (docs/protocol.md §10) on the runtime socket: a <c>runtime.publish</c> to a
/// stream topic is answered with its <c>seq</c> once stored; a durable consumer is a
/// <c>runtime.subscribe</c> with <c>stream</c>, <c>durable</c> and <c>start: all</c>, acknowledged
/// with <c>runtime.ack</c> <c>up_to</c> its delivery number.
/// </summary>
internal sealed class OpsClawStreamProtocol(string server) : StreamProtocol
{
    // Inside payload_json, which is a JSON string, so its quotes arrive escaped.
    private static ReadOnlySpan<byte> SeqField => "\\\"seq\\\":"u8;

    public override BrokerDialect Wire { get; } = new OpsClawDialect(server);

    public override bool AcksAreReplies => true;

    public override Handshake PublisherHandshake(int publisher) => new([], 0);

    public override byte[] PublishFrame(int publisher, ReadOnlySpan<byte> body) => Wire.PublishFrame(Topic, body);

    public override long AckedSeq(ReadOnlySpan<byte> frame) => SeqAfterLast(frame);

    public override Handshake ReaderHandshake(string durable) => new(
        OpsClawDialect.Envelope(
            "runtime.subscribe",
            "{\"topic\":" + JsonConvert.ToString(Subjects) + ",\"stream\":" + JsonConvert.ToString(StreamName) +
            ",\"durable\":" + JsonConvert.ToString(durable) + ",\"start\":\"all\",\"max_pending\":" +
            MaxPending.ToString(CultureInfo.InvariantCulture) + "}"),
        1);

    // The stream's members come last in a delivery's payload, after the body, so the last "seq" is the stream's.
    public override long DeliveredSeq(ReadOnlySpan<byte> frame) => SeqAfterLast(frame);

    // An ack names the delivery number alone.
    public override ReadOnlySpan<byte> AckToken(ReadOnlySpan<byte> frame) => [];

    public override byte[] AckUpTo(string subscription, long delivery, ReadOnlySpan<byte> token) => Wire.AckUpTo(subscription, delivery);

    private static long SeqAfterLast(ReadOnlySpan<byte> frame)
    {
        var at = frame.LastIndexOf(SeqField);
        return at < 0 ? -1 : BrokerDialect.LeadingNumber(frame[(at + SeqField.Length)..]);
    }
}
