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

    /// <summary>How deliveries are settled: <see cref="AckMode.None"/> (the default) or <see cref="AckMode.Explicit"/>.</summary>
    public AckMode Ack { get; init; } = AckMode.None;

    /// <summary>
    /// Deliveries held for the subscription at once, 1 to <see cref="MaxPendingLimit"/>
    /// (<see cref="DefaultMaxPending"/> when null): by the host, unwritten ones with
    /// <see cref="AckMode.None"/> and unacknowledged ones with <see cref="AckMode.Explicit"/>; by the
    /// client, deliveries received and not yet taken from the subscription.
    /// </summary>
    public int? MaxPending { get; init; }
}
