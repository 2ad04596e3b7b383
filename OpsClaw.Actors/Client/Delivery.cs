namespace OpsClaw.Actors.Client;

/// <summary>
/// One message the host pushed to a subscription (a <c>runtime.message</c> line, docs/protocol.md §9.3),
/// as <see cref="IpcSubscription"/> yields it. With <see cref="AckMode.Explicit"/> it is settled with
/// <see cref="AckAsync"/> or <see cref="NackAsync"/>; with <see cref="AckMode.None"/> there is nothing to settle.
/// </summary>
public sealed class Delivery
{
    private readonly IpcSubscription _owner;

    internal Delivery(IpcSubscription owner, DeliveryFields fields, long dropped, string? runId, string payloadJson)
    {
        _owner = owner;
        Topic = fields.Topic;
        DeliveryNumber = fields.Number;
        Redelivered = fields.Redelivered;
        Body = fields.Body;
        Key = fields.Key;
        Dropped = dropped;
        Stream = fields.Stream;
        Seq = fields.Seq;
        RunId = runId;
        PayloadJson = payloadJson;
    }

    /// <summary>The id of the subscription it was delivered to.</summary>
    public string Subscription => _owner.Id;

    /// <summary>The topic it was published to.</summary>
    public string Topic { get; }

    /// <summary>
    /// The subscription's number for this delivery: 1, 2, 3, … strictly increasing, a redelivery
    /// getting a new number; acks and nacks name it.
    /// </summary>
    public long DeliveryNumber { get; }

    /// <summary>Whether the message was delivered before, to this subscription or another member of its group.</summary>
    public bool Redelivered { get; }

    /// <summary>The published body: JSON text, compact, exactly as the host delivered it.</summary>
    public string Body { get; }

    /// <summary>The key the message was published with; null when it had none.</summary>
    public string? Key { get; }

    /// <summary>
    /// With <see cref="AckMode.None"/>: deliveries this subscription lost since the previous one it
    /// yielded, dropped by the host (its subscriber fell <c>max_pending</c> behind) or by this client
    /// (its buffer of deliveries not yet taken was full). For a durable consumer: messages the stream's
    /// retention deleted before this consumer read them. 0 when none were lost.
    /// </summary>
    public long Dropped { get; }

    /// <summary>The stream it was read from, for a durable consumer's delivery; null for a live subscription's.</summary>
    public string? Stream { get; }

    /// <summary>
    /// Its sequence number in <see cref="Stream"/> (1, 2, 3, …, the same on every redelivery and for every
    /// consumer, unlike <see cref="DeliveryNumber"/>); null for a live subscription's delivery.
    /// </summary>
    public long? Seq { get; }

    /// <summary>The publisher's <c>run_id</c> (for <c>runtime.forward</c>, the request's run id); null when it had none.</summary>
    public string? RunId { get; }

    /// <summary>
    /// The delivery's <c>payload_json</c>: compact JSON with <c>subscription</c>, <c>topic</c>,
    /// <c>delivery</c>, <c>redelivered</c>, <c>body</c>, then <c>key</c>, <c>dropped</c>, <c>stream</c>
    /// and <c>seq</c> when present; <c>dropped</c> is <see cref="Dropped"/>, so it includes deliveries this client dropped.
    /// </summary>
    public string PayloadJson { get; }

    /// <summary>Acknowledges this delivery: the host will not deliver the message again.</summary>
    /// <param name="cancellationToken">Stops waiting for the host's answer.</param>
    /// <returns>A task that completes when the host has taken the ack.</returns>
    /// <exception cref="InvalidOperationException">the subscription is <see cref="AckMode.None"/>.</exception>
    /// <exception cref="IpcRequestException">
    /// the host refused it: <c>unknown_delivery</c> when the delivery is no longer unacknowledged (acked
    /// already, or handed on after <c>broker.ack-wait</c>), <c>unknown_subscription</c> when the
    /// subscription has ended.
    /// </exception>
    /// <exception cref="TimeoutException">no answer within the subscription's timeout.</exception>
    /// <exception cref="IOException">the connection is closed.</exception>
    public Task AckAsync(CancellationToken cancellationToken = default) => _owner.AckAsync(DeliveryNumber, cancellationToken);

    /// <summary>Hands this delivery back: the host delivers the message again, marked redelivered, to this subscription or another member of its group.</summary>
    /// <param name="cancellationToken">Stops waiting for the host's answer.</param>
    /// <returns>A task that completes when the host has taken the nack.</returns>
    /// <exception cref="InvalidOperationException">the subscription is <see cref="AckMode.None"/>.</exception>
    /// <exception cref="IpcRequestException">the host refused it (<c>unknown_delivery</c>, <c>unknown_subscription</c>).</exception>
    /// <exception cref="TimeoutException">no answer within the subscription's timeout.</exception>
    /// <exception cref="IOException">the connection is closed.</exception>
    public Task NackAsync(CancellationToken cancellationToken = default) => _owner.NackAsync(DeliveryNumber, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => PayloadJson;
}
