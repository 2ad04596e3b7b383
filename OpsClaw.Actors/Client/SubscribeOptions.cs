namespace OpsClaw.Actors.Client;

/// <summary>The optional parts of a subscribe (<see cref="IpcClient.SubscribeAsync"/>); the defaults are the protocol's.</summary>
public sealed record SubscribeOptions
{
    /// <summary>What the host takes when no <see cref="MaxPending"/> is given: 1000.</summary>
    public const int DefaultMaxPending = 1000;

    /// <summary>The most <see cref="MaxPending"/> may be: 65536.</summary>
    public const int MaxPendingLimit = 65536;

    /// <summary>
    /// A queue group (1–255 bytes): subscriptions with the same group and pattern share the messages,
    /// each message to one member, the same key to the same member while the membership holds. Null: no group.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>
    /// How deliveries are settled: <see cref="AckMode.None"/> (the default) or <see cref="AckMode.Explicit"/>.
    /// A durable consumer (<see cref="Durable"/>) is always <see cref="AckMode.Explicit"/>, whatever this says.
    /// </summary>
    public AckMode Ack { get; init; } = AckMode.None;

    /// <summary>
    /// Deliveries held for the subscription at once, 1 to <see cref="MaxPendingLimit"/>
    /// (<see cref="DefaultMaxPending"/> when null): by the host, unwritten ones with
    /// <see cref="AckMode.None"/> and unacknowledged ones with <see cref="AckMode.Explicit"/>; by the
    /// client, deliveries received and not yet taken from the subscription.
    /// </summary>
    public int? MaxPending { get; init; }

    /// <summary>
    /// A stream declared in the host's configuration (<c>opsclaw.broker.streams</c>) to read from, with
    /// <see cref="Durable"/>: the pattern then filters the stream's stored messages (<c>&gt;</c> for all of
    /// them). Null: a live subscription, which sees only what is published while it exists.
    /// </summary>
    public string? Stream { get; init; }

    /// <summary>
    /// The durable consumer's name (1–128 characters of <c>A–Z a–z 0–9 _ -</c>), with <see cref="Stream"/>:
    /// the host stores its acknowledged position, so it resumes there after a reconnect or a restart, and
    /// subscriptions of any connection with the same stream and name share its messages, each to one of
    /// them. Implies <see cref="AckMode.Explicit"/>; no <see cref="Group"/> with it.
    /// </summary>
    public string? Durable { get; init; }

    /// <summary>
    /// Where a new durable consumer starts: <see cref="StreamStart.New"/> (the host's default when null),
    /// <see cref="StreamStart.All"/> or <see cref="StreamStart.AtSeq"/>. One that exists already ignores it.
    /// </summary>
    public StreamStart? Start { get; init; }

    /// <summary>The ack mode the subscription has: <see cref="Ack"/>, or explicit for a durable consumer.</summary>
    internal AckMode EffectiveAck => Durable is null ? Ack : AckMode.Explicit;
}
