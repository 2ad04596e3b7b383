using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The messages of the broker under the runtime channel (docs/protocol.md §9): between the broker,
/// its acknowledgement queues and the connections it pushes deliveries to.
/// </summary>
internal static class BrokerProtocol
{
    /// <summary>
    /// Told to a connection before its subscribe ack: from now on deliveries for <paramref name="Key"/>
    /// may come, and none of them may be written before the reply to request <paramref name="AfterRequest"/>
    /// (the subscribe itself), so the client always sees the ack first.
    /// </summary>
    /// <param name="Key">The subscription as the broker knows it; every <see cref="Deliver"/> names it.</param>
    /// <param name="Subscription">Its id on the connection, written in each delivery.</param>
    /// <param name="AfterRequest">The connection's number of the subscribe request.</param>
    /// <param name="Ack">At most once (the connection numbers deliveries and drops past <paramref name="MaxPending"/>) or at least once (the queue numbers them).</param>
    /// <param name="MaxPending">Deliveries the connection may hold unwritten for it.</param>
    /// <param name="Stats">Where the connection counts what it holds, writes and drops.</param>
    public sealed record Subscribed(SubscriptionId Key, string Subscription, long AfterRequest, AckMode Ack, int MaxPending, SubscriptionStats Stats);

    /// <summary>One message for one subscription of the connection it is told to.</summary>
    /// <param name="Key">The subscription.</param>
    /// <param name="Message">The message, shared by all its deliveries.</param>
    /// <param name="Delivery">The delivery number an acknowledgement queue gave it; 0 for an at-most-once subscription, which the connection numbers.</param>
    /// <param name="Redelivered">The message was delivered before.</param>
    /// <remarks>It may reach a connection that has just closed; that is normal, so it stays out of the dead-letter log.</remarks>
    public sealed record Deliver(SubscriptionId Key, PublishedMessage Message, long Delivery, bool Redelivered) : IDeadLetterSuppression;

    /// <summary>The deliveries for one connection that one batch of publishes made, in order: one mailbox entry, not one each.</summary>
    /// <remarks>Like <see cref="Deliver"/>, it may reach a connection that has just closed.</remarks>
    public sealed record DeliverBatch(Deliver[] Deliveries) : IDeadLetterSuppression;

    /// <summary>The subscription is gone: the connection forgets it and drops what it still holds for it.</summary>
    public sealed record Unsubscribed(SubscriptionId Key) : IDeadLetterSuppression;

    /// <summary>A connection's client shut its write side: its subscriptions end at once (docs/protocol.md §9.4).</summary>
    public sealed record InputEnded(IActorRef Connection);

    /// <summary>A member of an acknowledgement queue: one explicit-ack subscription.</summary>
    /// <param name="Id">The subscription.</param>
    /// <param name="Connection">The connection its deliveries go to.</param>
    /// <param name="Subscription">Its id on that connection, for error texts.</param>
    /// <param name="MaxPending">Unacknowledged deliveries it may hold.</param>
    /// <param name="Stats">Its figures.</param>
    public sealed record Member(SubscriptionId Id, IActorRef Connection, string Subscription, int MaxPending, SubscriptionStats Stats);

    /// <summary>Messages the broker accepted for a queue, in publish order (each already took its place in the queue's gauge).</summary>
    /// <param name="Messages">The messages.</param>
    /// <param name="Redelivered">How many of the first ones were delivered before (a durable consumer reading again what went unacknowledged).</param>
    public sealed record Enqueue(PublishedMessage[] Messages, int Redelivered = 0);

    /// <summary>A subscription joins the queue.</summary>
    public sealed record Join(Member Member);

    /// <summary>A subscription leaves the queue (unsubscribed, or its connection ended): its unacknowledged deliveries are delivered again.</summary>
    public sealed record Leave(SubscriptionId Id);

    /// <summary>
    /// An ack or nack of one member, answered by the queue straight to <paramref name="ReplyTo"/> as the
    /// request's <see cref="ChannelProtocol.Reply"/>.
    /// </summary>
    /// <param name="Member">The subscription.</param>
    /// <param name="Request">The request, for its id and <c>run_id</c>.</param>
    /// <param name="Subscription">The subscription's id on the connection, for the error text.</param>
    /// <param name="Delivery">The delivery number named.</param>
    /// <param name="Kind">Ack one, ack up to, or nack.</param>
    /// <param name="ReplyTo">The connection that asked.</param>
    public sealed record Settle(SubscriptionId Member, ChannelProtocol.Request Request, string Subscription, long Delivery, SettleKind Kind, IActorRef ReplyTo);

    /// <summary>
    /// Deliveries acknowledged in a durable consumer's queue: the consumer stores their positions, then
    /// tells <paramref name="ReplyTo"/> the <paramref name="Reply"/>, so an ack the client saw is never lost.
    /// </summary>
    public sealed record Acknowledged(PublishedMessage[] Messages, ChannelProtocol.Reply Reply, IActorRef ReplyTo);

    /// <summary>How a <see cref="Settle"/> settles.</summary>
    public enum SettleKind
    {
        Ack,
        AckUpTo,
        Nack,
    }

    /// <summary>A queue settled or gave back these ledger numbers of <paramref name="Origin"/>: its broker no longer holds them.</summary>
    public sealed record OriginDone(IActorRef Origin, long[] Ledger);

    /// <summary>Told by a queue with no member left once it holds nothing more (or its kept deliveries expired): the broker may stop it.</summary>
    public sealed record Idle(IActorRef Queue);

    /// <summary>Asks the broker for its <see cref="Contracts.StreamsReport"/>; the runtime channel passes it on.</summary>
    public sealed class GetStreams
    {
        public static readonly GetStreams Instance = new();

        private GetStreams()
        {
        }
    }

    /// <summary>Asks the broker for its <see cref="Contracts.TopicsReport"/>; the runtime channel passes it on.</summary>
    public sealed class GetTopics
    {
        public static readonly GetTopics Instance = new();

        private GetTopics()
        {
        }
    }

    /// <summary>Asks the broker for its <see cref="Contracts.ClusterReport"/>; the runtime channel passes it on.</summary>
    public sealed class GetCluster
    {
        public static readonly GetCluster Instance = new();

        private GetCluster()
        {
        }
    }
}
