using Akka.Actor;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The messages between the broker, its <see cref="StreamActor"/>s and their
/// <see cref="StreamConsumerActor"/>s (docs/broker.md, "Streams").
/// </summary>
internal static class StreamProtocol
{
    /// <summary>Publishes for one stream, in order, from one batch of requests: stored, then answered.</summary>
    public sealed record Append(Appending[] Entries);

    /// <summary>One publish to store and the request to answer once it is stored.</summary>
    /// <param name="Request">The publish (or forward) request, for its id, type and <c>run_id</c>.</param>
    /// <param name="ReplyTo">Its connection.</param>
    /// <param name="Message">The message as the broker read it.</param>
    /// <param name="Matched">The live deliveries the broker made of it, for the reply.</param>
    public readonly record struct Appending(ChannelProtocol.Request Request, IActorRef ReplyTo, PublishedMessage Message, int Matched);

    /// <summary>Messages the stream stored, in sequence order, for the consumers that follow it.</summary>
    /// <param name="Messages">Each with its <see cref="PublishedMessage.Stream"/> and <see cref="PublishedMessage.Seq"/>.</param>
    /// <param name="FirstSeq">The oldest retained sequence number after this batch.</param>
    public sealed record Appended(PublishedMessage[] Messages, long FirstSeq);

    /// <summary>Retention deleted the stream's oldest messages: the first retained one is now <paramref name="FirstSeq"/>.</summary>
    public sealed record Trimmed(long FirstSeq);

    /// <summary>A stream tells the broker it has read its storage and stores what it is sent from now on.</summary>
    public sealed record Recovered(string Stream);

    /// <summary>A consumer asks to be told of new messages; the stream answers with its <see cref="Range"/>.</summary>
    public sealed record Follow(IActorRef Consumer);

    /// <summary>The range a stream retains: <c>[FirstSeq, LastSeq]</c>, empty when FirstSeq &gt; LastSeq.</summary>
    public sealed record Range(long FirstSeq, long LastSeq);

    /// <summary>Asks a stream for its <see cref="StreamInfo"/> (without consumers) or a consumer for its <see cref="StreamConsumerInfo"/>.</summary>
    public sealed class GetInfo
    {
        public static readonly GetInfo Instance = new();

        private GetInfo()
        {
        }
    }

    /// <summary>
    /// A subscription for a durable consumer: the consumer checks it against what it stored, tells
    /// the connection <see cref="BrokerProtocol.Subscribed"/> and answers the request itself, or
    /// refuses it and tells the broker <see cref="Refused"/>.
    /// </summary>
    /// <param name="Member">The subscription as a member of the consumer's queue.</param>
    /// <param name="Request">The subscribe request.</param>
    /// <param name="Topic">The pattern that filters the stream for this consumer.</param>
    /// <param name="Start">Where a new consumer starts.</param>
    /// <param name="Owner">Who keeps the subscription: the broker, or in a cluster the broker's handle of the consumer; told <see cref="Joined"/> or <see cref="Refused"/>.</param>
    public sealed record Subscribe(BrokerProtocol.Member Member, ChannelProtocol.Request Request, TopicPattern Topic, StreamStart Start, IActorRef Owner);

    /// <summary>The consumer refused a subscription: the broker forgets it (its connection never heard of it).</summary>
    public sealed record Refused(SubscriptionId Id);

    /// <summary>The consumer (the sender) accepted a subscription: in a cluster its owner watches it from now on.</summary>
    public sealed record Joined(SubscriptionId Id);

    /// <summary>
    /// Stop once nothing is being written (a cluster hands a stream's shard to another node): a
    /// publish or ack being stored is answered as stored, never refused while it may be stored anyway.
    /// </summary>
    public sealed class StopWhenIdle
    {
        public static readonly StopWhenIdle Instance = new();

        private StopWhenIdle()
        {
        }
    }

    /// <summary>In a cluster, the consumer that held these subscriptions stopped (its node went away): they end, as when a consumer of the broker's own stops.</summary>
    public sealed record Lost(SubscriptionId[] Ids);
}
