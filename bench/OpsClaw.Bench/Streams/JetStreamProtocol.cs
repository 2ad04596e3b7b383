using System.Globalization;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// NATS JetStream spoken directly over the NATS protocol: the stream is made by a request to
/// <c>$JS.API.STREAM.CREATE.orders</c> (file storage); a publish carries a reply subject, the
/// publisher's inbox, to which JetStream sends its PubAck (<c>{"stream":..,"seq":..}</c>) once
/// stored; the reader is a durable push consumer (deliver policy all, ack policy <c>all</c>:
/// acking a delivery acknowledges every one before it, as opsclaw's <c>up_to</c> does, with
/// <c>max_ack_pending</c> equal to opsclaw's <c>max_pending</c>), acked by an empty publish to
/// the delivery's reply subject.
/// </summary>
internal sealed class JetStreamProtocol : StreamProtocol
{
    private static ReadOnlySpan<byte> SeqField => "\"seq\":"u8;

    private static ReadOnlySpan<byte> ErrorField => "\"error\""u8;

    public override BrokerDialect Wire { get; } = new JetStreamDialect();

    public override bool AcksAreReplies => false;

    public override Task DeclareAsync(string address, CancellationToken cancel) => JetStreamApi.RequestAsync(
        address,
        "$JS.API.STREAM.CREATE." + StreamName,
        "{\"name\":\"" + StreamName + "\",\"subjects\":[\"" + Subjects + "\"],\"retention\":\"limits\",\"storage\":\"file\",\"discard\":\"old\",\"num_replicas\":1}",
        cancel);

    public override Handshake PublisherHandshake(int publisher) => JetStreamDialect.Open(Inbox(publisher));

    public override byte[] PublishFrame(int publisher, ReadOnlySpan<byte> body) => JetStreamDialect.Publish(Topic, Inbox(publisher), body);

    public override bool IsErrorAck(ReadOnlySpan<byte> frame) => JetStreamDialect.Payload(frame).IndexOf(ErrorField) >= 0;

    public override long AckedSeq(ReadOnlySpan<byte> frame)
    {
        var payload = JetStreamDialect.Payload(frame);
        var at = payload.IndexOf(SeqField);
        return at < 0 ? -1 : BrokerDialect.LeadingNumber(payload[(at + SeqField.Length)..]);
    }

    public override Handshake ReaderHandshake(string durable) => JetStreamDialect.Open(DeliverSubject(durable));

    public override Task StartReaderAsync(string address, string durable, CancellationToken cancel) => JetStreamApi.RequestAsync(
        address,
        "$JS.API.CONSUMER.DURABLE.CREATE." + StreamName + "." + durable,
        "{\"stream_name\":\"" + StreamName + "\",\"config\":{\"durable_name\":\"" + durable + "\",\"deliver_subject\":\"" + DeliverSubject(durable) +
        "\",\"deliver_policy\":\"all\",\"ack_policy\":\"all\",\"max_ack_pending\":" + MaxPending.ToString(CultureInfo.InvariantCulture) +
        ",\"filter_subject\":\"" + Subjects + "\"}}",
        cancel);

    public override long DeliveredSeq(ReadOnlySpan<byte> frame)
    {
        // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>; servers from 2.10 may
        // add a domain and an account hash after ACK and a token at the end (12 tokens), moving the stream seq two on.
        var reply = JetStreamDialect.ReplySubject(frame);
        if (!reply.StartsWith("$JS.ACK."u8))
        {
            return -1;
        }

        Span<Range> tokens = stackalloc Range[12];
        var count = JetStreamDialect.Split(reply, (byte)'.', tokens);
        return count switch
        {
            9 => BrokerDialect.LeadingNumber(reply[tokens[5]]),
            12 => BrokerDialect.LeadingNumber(reply[tokens[7]]),
            _ => -1,
        };
    }

    public override ReadOnlySpan<byte> AckToken(ReadOnlySpan<byte> frame) => JetStreamDialect.ReplySubject(frame);

    public override byte[] AckUpTo(string subscription, long delivery, ReadOnlySpan<byte> token) =>
        JetStreamDialect.Publish(Encoding.ASCII.GetString(token), null, []);

    private static string Inbox(int publisher) => "_INBOX.bench.p" + publisher.ToString(CultureInfo.InvariantCulture);

    private static string DeliverSubject(string durable) => "_INBOX.bench.read." + durable;
}
