using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// What crosses between cluster nodes for a sharded stream is written by <see cref="StreamWireSerializer"/>,
/// bound type by type in the embedded HOCON: every message reads back with the same content and actor
/// references, a subscription's figures are found again on the node that owns it, and bytes that do not
/// make one whole message are refused.
/// </summary>
public sealed class StreamWireSerializerSpecs() : TestKit(IpcDefaults.Config)
{
    private static readonly ChannelProtocol.Request Request = new(17, new IpcRequest(MessageTypes.RuntimePublish, "run-1", "{\"topic\":\"orders.1\",\"body\":{\"n\":1}}"));

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<StreamWireSerializer>(serializer);
        var manifest = ((SerializerWithStringManifest)serializer).Manifest(message);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest));
    }

    [Fact]
    public void An_append_in_its_envelope_should_read_back_with_its_requests_connections_and_messages()
    {
        var connection = CreateTestProbe().Ref;
        var message = new PublishedMessage("orders.1", "{\"n\":1}", "k", "run-1");
        var envelope = new StreamEntityEnvelope("orders", null, new StreamProtocol.Append([new StreamProtocol.Appending(Request, connection, message, 3)]));

        var back = RoundTrip(envelope);

        Assert.Equal(("orders", (string?)null), (back.Stream, back.Durable));
        var entry = Assert.Single(Assert.IsType<StreamProtocol.Append>(back.Message).Entries);
        Assert.Equal(Request, entry.Request);
        Assert.Equal(connection, entry.ReplyTo);
        Assert.Equal(3, entry.Matched);
        Assert.Equal(("orders.1", "{\"n\":1}", "k", "run-1"), (entry.Message.Topic, entry.Message.Body, entry.Message.Key, entry.Message.RunId));
    }

    [Fact]
    public void A_subscribe_should_read_back_with_the_owning_nodes_figures_for_its_subscription()
    {
        var (connection, owner) = (CreateTestProbe().Ref, CreateTestProbe().Ref);
        var id = new SubscriptionId(1L << 50);
        var stats = new SubscriptionStats();
        StatsDirectory.Get(Sys).Add(id, stats);
        var subscribe = new StreamProtocol.Subscribe(
            new BrokerProtocol.Member(id, connection, "s3", 64, stats), Request, TopicPattern.Parse("orders.*"), new StreamStart(StreamStartKind.Seq, 42), owner);

        var back = RoundTrip(new StreamEntityEnvelope("orders", "workers", subscribe));

        Assert.Equal("orders.workers", back.EntityId);
        var read = Assert.IsType<StreamProtocol.Subscribe>(back.Message);
        Assert.Equal((id, connection, "s3", 64), (read.Member.Id, read.Member.Connection, read.Member.Subscription, read.Member.MaxPending));
        Assert.Same(stats, read.Member.Stats);
        Assert.Equal(("orders.*", new StreamStart(StreamStartKind.Seq, 42), owner), (read.Topic.Text, read.Start, read.Owner));

        StatsDirectory.Get(Sys).Remove(id);
        var elsewhere = RoundTrip(subscribe);
        Assert.NotSame(stats, elsewhere.Member.Stats);
    }

    [Fact]
    public void Settles_leaves_and_what_a_consumer_answers_should_read_back_equal()
    {
        var replyTo = CreateTestProbe().Ref;
        var settle = new BrokerProtocol.Settle(new SubscriptionId(5), Request, "s1", 9, BrokerProtocol.SettleKind.AckUpTo, replyTo);
        Assert.Equal(settle, RoundTrip(settle));
        Assert.Equal(new BrokerProtocol.Leave(new SubscriptionId(6)), RoundTrip(new BrokerProtocol.Leave(new SubscriptionId(6))));
        Assert.Equal(new StreamProtocol.Refused(new SubscriptionId(7)), RoundTrip(new StreamProtocol.Refused(new SubscriptionId(7))));
        Assert.Equal(new StreamProtocol.Joined(new SubscriptionId(8)), RoundTrip(new StreamProtocol.Joined(new SubscriptionId(8))));
        Assert.Same(StreamProtocol.GetInfo.Instance, RoundTrip(StreamProtocol.GetInfo.Instance));

        var subscribed = new BrokerProtocol.Subscribed(new SubscriptionId(10), "s2", 33, AckMode.Explicit, 128, new SubscriptionStats());
        var back = RoundTrip(subscribed);
        Assert.Equal((subscribed.Key, "s2", 33L, AckMode.Explicit, 128), (back.Key, back.Subscription, back.AfterRequest, back.Ack, back.MaxPending));
    }

    [Fact]
    public void Replies_and_deliveries_should_read_back_equal()
    {
        var ok = new ChannelProtocol.Reply(1, IpcResponse.Success(MessageTypes.RuntimePublishAck, "r", "{\"matched\":0,\"stream\":\"orders\",\"seq\":4}"));
        var failed = new ChannelProtocol.Reply(2, IpcErrors.HandlerFailed(MessageTypes.RuntimePublish, null));
        Assert.Equal(ok, RoundTrip(ok));

        // Only the first Count replies of a batch are its replies.
        var batch = RoundTrip(new ChannelProtocol.ReplyBatch([ok, failed, ok], 2));
        Assert.Equal([ok, failed], batch.Replies);
        Assert.Equal(2, batch.Count);

        var message = new PublishedMessage("orders.2", "[1,2]", null, null) { Stream = "orders", Seq = 12, Missed = 3, Redelivered = true };
        var deliveries = RoundTrip(new BrokerProtocol.DeliverBatch([new BrokerProtocol.Deliver(new SubscriptionId(3), message, 5, Redelivered: true)])).Deliveries;
        var delivery = Assert.Single(deliveries);
        Assert.Equal((new SubscriptionId(3), 5L, true), (delivery.Key, delivery.Delivery, delivery.Redelivered));
        var read = delivery.Message;
        Assert.Equal(("orders.2", "[1,2]", (string?)null, (string?)null, "orders", 12L, 3L, true), (read.Topic, read.Body, read.Key, read.RunId, read.Stream, read.Seq, read.Missed, read.Redelivered));
    }

    [Fact]
    public void Stream_and_consumer_figures_should_read_back_equal()
    {
        var consumer = new StreamConsumerInfo("workers", "orders.>", 40, 2, 1);
        var info = new StreamInfo("orders", ["orders.>", "refunds.*"], "ready", 3, 50, 48, 4096, [consumer]);

        var back = RoundTrip(info);

        Assert.Equal(info with { Subjects = [], Consumers = [] }, back with { Subjects = [], Consumers = [] });
        Assert.Equal(info.Subjects, back.Subjects);
        Assert.Equal([consumer], back.Consumers);
        Assert.Equal(consumer, RoundTrip(consumer));
    }

    [Fact]
    public void Bytes_cut_short_left_over_or_naming_no_message_should_be_refused()
    {
        var serializer = new StreamWireSerializer((ExtendedActorSystem)Sys);
        var whole = serializer.ToBinary(new BrokerProtocol.Leave(new SubscriptionId(1)));

        Assert.Throws<SerializationException>(() => serializer.FromBinary(whole[..^1], "L1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. whole, 0], "L1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(whole, "?"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(serializer.ToBinary(new StreamEntityEnvelope("s", null, new StreamEntityEnvelope("s", null, StreamProtocol.GetInfo.Instance))), "E1"));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("not a stream message"));

        // Another version's format is refused by name, not misread.
        var other = Assert.Throws<SerializationException>(() => serializer.FromBinary(whole, "L2"));
        Assert.Contains("every node of a cluster must run the same OpsClaw version", other.Message, StringComparison.Ordinal);
    }
}
