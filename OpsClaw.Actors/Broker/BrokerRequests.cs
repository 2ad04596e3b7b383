namespace OpsClaw.Actors.Broker;

/// <summary>A checked <c>runtime.publish</c>: <c>{"topic":T,"body":…,"key":K?}</c>.</summary>
/// <param name="Topic">A valid topic (no wildcards).</param>
/// <param name="BodyUtf8">The body as the UTF-8 of compact JSON text (<see cref="JsonCompactor"/>); <c>null</c> when the publisher sent JSON null.</param>
/// <param name="Key">The key, at most 255 bytes, or null.</param>
internal sealed record PublishRequest(string Topic, byte[] BodyUtf8, string? Key)
{
    /// <summary>The body as text.</summary>
    public string Body => System.Text.Encoding.UTF8.GetString(BodyUtf8);

    /// <summary>The message the broker holds for this publish, carrying the request's <c>run_id</c> to every delivery.</summary>
    public PublishedMessage ToMessage(string? runId) => new(Topic, BodyUtf8, Key, runId);
}

/// <summary>A checked <c>runtime.subscribe</c>: <c>{"topic":P,"group":G?,"ack":"none"|"explicit","max_pending":M?}</c>.</summary>
/// <param name="Pattern">The pattern subscribed to.</param>
/// <param name="Group">The queue group's name, or null for a plain subscription.</param>
/// <param name="Ack">Whether deliveries must be acknowledged.</param>
/// <param name="MaxPending">Deliveries held for the subscription at once (unwritten for <see cref="AckMode.None"/>, unacknowledged for <see cref="AckMode.Explicit"/>).</param>
internal sealed record SubscribeRequest(TopicPattern Pattern, string? Group, AckMode Ack, int MaxPending)
{
    /// <summary>For a durable consumer of a stream: which, and where it starts; null for a live subscription.</summary>
    public DurableRequest? Durable { get; init; }

    public const int DefaultMaxPending = 1000;
    public const int MaxPendingLimit = 65536;
}

/// <summary>How a subscription's deliveries are settled.</summary>
internal enum AckMode
{
    /// <summary>At most once: a delivery is done when written; past <c>max_pending</c> unwritten ones, new ones are dropped and counted.</summary>
    None,

    /// <summary>At least once: a delivery is done when acked; nack, ack-wait expiry or the subscriber leaving delivers it again.</summary>
    Explicit,
}

/// <summary>A checked <c>runtime.unsubscribe</c>: <c>{"subscription":S}</c>.</summary>
/// <param name="Subscription">The subscription's id on the connection, as the client sent it.</param>
internal sealed record UnsubscribeRequest(string Subscription);

/// <summary>A checked <c>runtime.ack</c>: <c>{"subscription":S,"delivery":D}</c> or <c>{"subscription":S,"up_to":D}</c>.</summary>
/// <param name="Subscription">The subscription's id on the connection.</param>
/// <param name="Delivery">The delivery number acked, or with <paramref name="UpTo"/> the highest one.</param>
/// <param name="UpTo">True for <c>up_to</c>: every unacknowledged delivery up to <paramref name="Delivery"/>.</param>
internal sealed record AckRequest(string Subscription, long Delivery, bool UpTo);

/// <summary>A checked <c>runtime.nack</c>: <c>{"subscription":S,"delivery":D}</c>.</summary>
/// <param name="Subscription">The subscription's id on the connection.</param>
/// <param name="Delivery">The delivery number to deliver again.</param>
internal sealed record NackRequest(string Subscription, long Delivery);

/// <summary>Where a new durable consumer starts reading its stream (<c>start</c>).</summary>
/// <param name="Kind">New messages only, all retained ones, or from a sequence number.</param>
/// <param name="Seq">With <see cref="StreamStartKind.Seq"/>: the first sequence number to deliver.</param>
internal readonly record struct StreamStart(StreamStartKind Kind, long Seq)
{
    public static StreamStart New { get; } = new(StreamStartKind.New, 0);
}

/// <summary>The kinds of <see cref="StreamStart"/>.</summary>
internal enum StreamStartKind
{
    New,
    All,
    Seq,
}

/// <summary>A checked durable <c>runtime.subscribe</c>: the stream and consumer named, and where a new consumer starts.</summary>
/// <param name="Stream">A declared stream's name.</param>
/// <param name="Durable">The consumer's name.</param>
/// <param name="Start">Where it starts if it is new.</param>
internal sealed record DurableRequest(string Stream, string Durable, StreamStart Start);
