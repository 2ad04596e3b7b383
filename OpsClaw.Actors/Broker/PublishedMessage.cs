using System.Text;
using Akka.Actor;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// One published message as the broker holds it from publish to its last delivery: shared by every
/// delivery of it, so its body is read and compacted once, and its key hashed once, however many
/// subscriptions and groups it reaches.
/// </summary>
internal sealed class PublishedMessage
{
    public PublishedMessage(string topic, string body, string? key, string? runId)
        : this(topic, key, runId)
    {
        _body = body;
    }

    /// <summary>A message whose body is the UTF-8 of compact JSON text, as a publish is read: no string is made unless one is asked for.</summary>
    public PublishedMessage(string topic, byte[] bodyUtf8, string? key, string? runId)
        : this(topic, key, runId)
    {
        _bodyUtf8 = bodyUtf8;
    }

    private PublishedMessage(string topic, string? key, string? runId)
    {
        Topic = topic;
        Key = key;
        RunId = runId;
        KeyHash = key is null ? null : StableHash.OfText(key);
    }

    /// <summary>The topic it was published to (valid; wildcards are only in patterns).</summary>
    public string Topic { get; }

    /// <summary>
    /// The published <c>body</c> as compact JSON text: the publisher's bytes with the whitespace
    /// between tokens taken out and every token (string escapes, number digits) as written
    /// (<see cref="JsonCompactor"/>). Deliveries embed it as it is.
    /// </summary>
    /// <remarks>
    /// A message holds its body as a string or as UTF-8 and makes the other form when first asked (live
    /// deliveries need only the bytes; streams and the cluster write the string). Two threads may both
    /// make it; they make the same value.
    /// </remarks>
    public string Body => _body ??= Encoding.UTF8.GetString(_bodyUtf8!);

    /// <summary><see cref="Body"/> as UTF-8.</summary>
    public byte[] BodyUtf8 => _bodyUtf8 ??= Encoding.UTF8.GetBytes(_body!);

    /// <summary>The key that picks a group member, or null (then members take turns).</summary>
    public string? Key { get; }

    /// <summary>The publisher's <c>run_id</c>, which each delivery line carries; null when it had none.</summary>
    public string? RunId { get; }

    /// <summary>The stream it was read from, for a durable consumer's delivery; null for a live one.</summary>
    public string? Stream { get; init; }

    /// <summary>Its sequence number in <see cref="Stream"/>.</summary>
    public long Seq { get; init; }

    /// <summary>Messages of <see cref="Stream"/> its retention deleted just before this one, unread by the consumer it goes to.</summary>
    public long Missed { get; init; }

    /// <summary>The message was delivered before: the cluster node that held it unacknowledged went away (docs/cluster.md).</summary>
    public bool Redelivered { get; init; }

    /// <summary>
    /// For a message another node routed to an explicit-ack group here: that node's broker, which
    /// keeps it until told it was acknowledged (or hands it to another node when this one goes away
    /// or gives it back). Null otherwise.
    /// </summary>
    public IActorRef? Origin { get; init; }

    /// <summary>The message's number in <see cref="Origin"/>'s ledger.</summary>
    public long OriginLedger { get; init; }

    /// <summary><see cref="StableHash.OfText"/> of <see cref="Key"/>, or null without a key.</summary>
    public ulong? KeyHash { get; }

    /// <summary>
    /// The escaped pieces of its delivery lines, made by the first connection that writes one. Two
    /// connections may make them at once; both make the same bytes, and one of them is kept.
    /// </summary>
    /// <remarks>
    /// For a message marked <see cref="WrittenOnce"/> nothing is kept: the pieces are made in the writing
    /// thread's scratch buffer for the line about to be written (<see cref="DeliveryLine.View"/>), and made
    /// again should a second line be written after all (a redelivery).
    /// </remarks>
    public DeliveryLine.Parts LineParts
    {
        get
        {
            var parts = Volatile.Read(ref _lineParts);
            if (parts is null && WrittenOnce)
            {
                return DeliveryLine.View(this);
            }

            return parts ?? Interlocked.CompareExchange(ref _lineParts, DeliveryLine.Build(this), null) ?? _lineParts!;
        }
    }

    /// <summary>
    /// The broker expects one delivery line of it (it matched one subscription here): its line's pieces
    /// are not worth keeping. Set before the message is handed to any connection.
    /// </summary>
    public bool WrittenOnce { get; set; }

    private DeliveryLine.Parts? _lineParts;
    private string? _body;
    private byte[]? _bodyUtf8;
}
