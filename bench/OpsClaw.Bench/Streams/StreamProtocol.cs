namespace OpsClaw.Bench;

/// <summary>
/// What the streams scenarios ask of a server beyond framing (its <see cref="Wire"/> dialect):
/// declaring the stream, publishing with an answer once stored, and a durable consumer that reads
/// from the start and acknowledges cumulatively. One implementation per protocol.
/// </summary>
internal abstract class StreamProtocol
{
    public const string StreamName = "orders";
    public const string Topic = "orders.bench";
    public const string Subjects = "orders.>";

    /// <summary>Deliveries a consumer may hold unacknowledged: opsclaw's default <c>max_pending</c>, used as JetStream's <c>max_ack_pending</c> too.</summary>
    public const int MaxPending = 1000;

    public abstract BrokerDialect Wire { get; }

    /// <summary>Whether a publish is answered by a reply (opsclaw) rather than by a message to the publisher's inbox (JetStream).</summary>
    public abstract bool AcksAreReplies { get; }

    /// <summary>Makes the stream where it is made over the wire (JetStream); opsclaw declares it in its configuration.</summary>
    public virtual Task DeclareAsync(string address, CancellationToken cancel) => Task.CompletedTask;

    public abstract Handshake PublisherHandshake(int publisher);

    /// <summary>One whole publish of <paramref name="body"/> to <see cref="Topic"/> by publisher <paramref name="publisher"/>.</summary>
    public abstract byte[] PublishFrame(int publisher, ReadOnlySpan<byte> body);

    /// <summary>Whether a publish answer that arrived as a message (<see cref="AcksAreReplies"/> false) reports an error.</summary>
    public virtual bool IsErrorAck(ReadOnlySpan<byte> frame) => false;

    /// <summary>The stream sequence a publish answer gives the message, or -1.</summary>
    public abstract long AckedSeq(ReadOnlySpan<byte> frame);

    public abstract Handshake ReaderHandshake(string durable);

    /// <summary>Makes the durable consumer once its reader is subscribed (JetStream); opsclaw makes it with the subscribe.</summary>
    public virtual Task StartReaderAsync(string address, string durable, CancellationToken cancel) => Task.CompletedTask;

    /// <summary>The stream sequence of a delivery, or -1 when it is not a delivery of the stream.</summary>
    public abstract long DeliveredSeq(ReadOnlySpan<byte> frame);

    /// <summary>What a later ack of this delivery needs from its frame beyond its delivery number: its ack subject (JetStream), or nothing (opsclaw).</summary>
    public abstract ReadOnlySpan<byte> AckToken(ReadOnlySpan<byte> frame);

    /// <summary>Acknowledges every delivery up to the one numbered <paramref name="delivery"/> (opsclaw) or the one <paramref name="token"/> came from (JetStream).</summary>
    public abstract byte[] AckUpTo(string subscription, long delivery, ReadOnlySpan<byte> token);
}
