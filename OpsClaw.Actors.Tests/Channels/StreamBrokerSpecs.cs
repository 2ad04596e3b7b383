using Akka.Actor;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// Streams through the broker, over a real SQLite file in a fresh temporary directory: publishes to a
/// stream's topics are answered with their sequence number once stored; durable consumers start
/// where asked, resume after their stored position, share messages between members, and are refused
/// what they cannot be.
/// </summary>
public sealed class StreamBrokerSpecs : BrokerSpecBase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsclaw-streams-").FullName;

    public StreamBrokerSpecs()
        : base("akka.loglevel = WARNING")
    {
    }

    private BrokerSettings Settings => BrokerSettings.Default with { AckWait = TimeSpan.FromSeconds(30) } with
    {
        Storage = StorageSettings.Default with { SqliteFile = Path.Combine(_directory, "state", "broker.db") },
        Streams =
        [
            new StreamSettings("orders", ["orders.>"], null, null, null), new StreamSettings("audit", ["audit.*"], null, null, null),
            new StreamSettings("recent", ["recent.>"], 3, null, null),
        ],
    };

    private IActorRef Start() => StartBroker(Settings);

    private async Task<long> PublishStoredAsync(IActorRef broker, TestProbe publisher, string topic, string body)
    {
        var id = SendRaw(broker, publisher, MessageTypes.RuntimePublish, $"{{\"topic\":\"{topic}\",\"body\":{body}}}");
        var reply = await ReplyAsync(publisher, id);
        Assert.True(reply.Ok, reply.Error);
        return (long)JObject.Parse(reply.PayloadJson)["seq"]!;
    }

    private async Task<(SubscriptionId Key, string Id)> DurableAsync(
        IActorRef broker, TestProbe connection, string durable, object? start = null, string topic = ">", int maxPending = 100, string stream = "orders")
    {
        var payload = new JObject { ["topic"] = topic, ["stream"] = stream, ["durable"] = durable, ["max_pending"] = maxPending };
        if (start is not null)
        {
            payload["start"] = JToken.FromObject(start);
        }

        var id = SendRaw(broker, connection, MessageTypes.RuntimeSubscribe, payload.ToString(Newtonsoft.Json.Formatting.None));
        var subscribed = await connection.ExpectMsgAsync<BrokerProtocol.Subscribed>(TimeSpan.FromSeconds(10));
        Assert.Equal(id, subscribed.AfterRequest);
        var reply = await ReplyAsync(connection, id);
        Assert.True(reply.Ok, reply.Error);
        return (subscribed.Key, subscribed.Subscription);
    }

    private async Task AckAsync(IActorRef broker, TestProbe connection, string subscription, long delivery)
    {
        var id = SendRaw(broker, connection, MessageTypes.RuntimeAck, $"{{\"subscription\":\"{subscription}\",\"delivery\":{delivery}}}");
        var reply = await ReplyAsync(connection, id);
        Assert.True(reply.Ok, reply.Error);
    }

    private async Task<IActorRef> RestartAsync(IActorRef broker)
    {
        Watch(broker);
        Sys.Stop(broker);
        await ExpectTerminatedAsync(broker);
        return Start();
    }

    [Fact]
    public async Task A_publish_to_a_stream_topic_should_be_acknowledged_with_its_stream_and_seq_and_others_without()
    {
        var broker = Start();
        var publisher = CreateTestProbe();

        var id = SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"orders.new\",\"body\":1}");
        Assert.Equal("{\"matched\":0,\"stream\":\"orders\",\"seq\":1}", (await ReplyAsync(publisher, id)).PayloadJson);
        id = SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"audit.x\",\"body\":2}");
        Assert.Equal("{\"matched\":0,\"stream\":\"audit\",\"seq\":1}", (await ReplyAsync(publisher, id)).PayloadJson);
        id = SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"audit.x.y\",\"body\":3}");
        Assert.Equal("{\"matched\":0}", (await ReplyAsync(publisher, id)).PayloadJson);
    }

    [Fact]
    public async Task A_durable_consumer_starting_at_all_should_get_every_stored_message_in_order_and_resume_after_its_acks()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, await PublishStoredAsync(broker, publisher, "orders.new", $"{{\"n\":{i}}}"));
        }

        var reader = CreateTestProbe();
        var (_, subscription) = await DurableAsync(broker, reader, "d1", "all");
        var deliveries = await DeliveriesAsync(reader, 5);
        Assert.Equal([1L, 2, 3, 4, 5], deliveries.Select(delivery => delivery.Message.Seq));
        Assert.All(deliveries, delivery => Assert.Equal("orders", delivery.Message.Stream));
        Assert.Equal("{\"n\":3}", deliveries[2].Message.Body);
        foreach (var delivery in deliveries.Take(3))
        {
            await AckAsync(broker, reader, subscription, delivery.Delivery);
        }

        // A member that leaves unacked: its deliveries come again to the next one, marked redelivered.
        var id = SendRaw(broker, reader, MessageTypes.RuntimeUnsubscribe, $"{{\"subscription\":\"{subscription}\"}}");
        await reader.ExpectMsgAsync<BrokerProtocol.Unsubscribed>();
        Assert.True((await ReplyAsync(reader, id)).Ok);
        var next = CreateTestProbe();
        await DurableAsync(broker, next, "d1");
        var redelivered = await DeliveriesAsync(next, 2);
        Assert.Equal([(4L, true), (5L, true)], redelivered.Select(delivery => (delivery.Message.Seq, delivery.Redelivered)));

        // A restart of the broker (the host) keeps the acknowledged position: 4 and 5 come again, nothing before.
        broker = await RestartAsync(broker);
        await PublishStoredAsync(broker, publisher, "orders.new", "{\"n\":6}");
        var again = CreateTestProbe();
        await DurableAsync(broker, again, "d1", "all");
        Assert.Equal([4L, 5, 6], (await DeliveriesAsync(again, 3)).Select(delivery => delivery.Message.Seq));
        await NothingMoreAsync(again);
    }

    [Fact]
    public async Task A_new_consumer_should_start_where_asked_and_an_existing_one_ignore_start()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        for (var i = 1; i <= 4; i++)
        {
            await PublishStoredAsync(broker, publisher, "orders.new", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var fresh = CreateTestProbe();
        await DurableAsync(broker, fresh, "from-new", "new");
        var fromThree = CreateTestProbe();
        await DurableAsync(broker, fromThree, "from-3", 3);
        await PublishStoredAsync(broker, publisher, "orders.new", "5");

        Assert.Equal(5, (await DeliveryAsync(fresh)).Message.Seq);
        Assert.Equal([3L, 4, 5], (await DeliveriesAsync(fromThree, 3)).Select(delivery => delivery.Message.Seq));

        // A second member of "from-new" asking for everything shares the existing consumer; start does not rewind it.
        var second = CreateTestProbe();
        await DurableAsync(broker, second, "from-new", "all");
        await NothingMoreAsync(second);
    }

    [Fact]
    public async Task Members_of_one_durable_consumer_should_share_its_messages_each_to_one()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        await DurableAsync(broker, first, "workers", maxPending: 1000);
        await DurableAsync(broker, second, "workers", maxPending: 1000);
        for (var i = 1; i <= 40; i++)
        {
            await PublishStoredAsync(broker, publisher, "orders.new", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var seqs = new List<long>();
        await AwaitAssertAsync(
            async () =>
            {
                while (HasDelivery(first))
                {
                    seqs.Add((await DeliveryAsync(first)).Message.Seq);
                }

                while (HasDelivery(second))
                {
                    seqs.Add((await DeliveryAsync(second)).Message.Seq);
                }

                Assert.Equal(40, seqs.Count);
            },
            TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), seqs.Order());
    }

    [Fact]
    public async Task A_consumer_should_deliver_only_what_its_topic_matches_and_refuse_another_topic_later()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        await PublishStoredAsync(broker, publisher, "orders.eu", "1");
        await PublishStoredAsync(broker, publisher, "orders.us", "2");
        await PublishStoredAsync(broker, publisher, "orders.eu", "3");

        var reader = CreateTestProbe();
        await DurableAsync(broker, reader, "eu", "all", topic: "orders.eu");
        Assert.Equal([1L, 3], (await DeliveriesAsync(reader, 2)).Select(delivery => delivery.Message.Seq));

        var other = CreateTestProbe();
        var id = SendRaw(broker, other, MessageTypes.RuntimeSubscribe, "{\"topic\":\"orders.us\",\"stream\":\"orders\",\"durable\":\"eu\"}");
        var refused = await ReplyAsync(other, id);
        Assert.Equal(IpcErrors.InvalidPayloadCode, refused.ErrorCode);
        Assert.Contains("reads topic 'orders.eu'", refused.Error, StringComparison.Ordinal);
        await NothingMoreAsync(other);
    }

    [Fact]
    public async Task A_consumer_behind_retention_should_resume_at_the_first_retained_message_and_be_told_how_many_it_missed()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        await PublishStoredAsync(broker, publisher, "recent.a", "1");
        var reader = CreateTestProbe();
        var (_, subscription) = await DurableAsync(broker, reader, "late", "all", stream: "recent");
        await AckAsync(broker, reader, subscription, (await DeliveryAsync(reader)).Delivery);
        var id = SendRaw(broker, reader, MessageTypes.RuntimeUnsubscribe, $"{{\"subscription\":\"{subscription}\"}}");
        await reader.ExpectMsgAsync<BrokerProtocol.Unsubscribed>();
        Assert.True((await ReplyAsync(reader, id)).Ok);

        // max-messages 3: of seq 2 to 12 only 10, 11, 12 are kept.
        for (var i = 2; i <= 12; i++)
        {
            await PublishStoredAsync(broker, publisher, "recent.a", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await AwaitAssertAsync(async () =>
        {
            var report = await broker.Ask<Contracts.StreamsReport>(BrokerProtocol.GetStreams.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(10, report.Streams.Single(stream => stream.Name == "recent").FirstSeq);
        });
        var back = CreateTestProbe();
        await DurableAsync(broker, back, "late", stream: "recent");
        var deliveries = await DeliveriesAsync(back, 3);
        Assert.Equal([10L, 11, 12], deliveries.Select(delivery => delivery.Message.Seq));
        Assert.Equal([8L, 0, 0], deliveries.Select(delivery => delivery.Message.Missed));
    }

    [Fact]
    public async Task A_nacked_delivery_should_come_again_marked_redelivered()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        await PublishStoredAsync(broker, publisher, "orders.new", "1");
        var reader = CreateTestProbe();
        var (_, subscription) = await DurableAsync(broker, reader, "n", "all");
        var first = await DeliveryAsync(reader);

        var id = SendRaw(broker, reader, MessageTypes.RuntimeNack, $"{{\"subscription\":\"{subscription}\",\"delivery\":{first.Delivery}}}");
        Assert.True((await ReplyAsync(reader, id)).Ok);

        var again = await DeliveryAsync(reader);
        Assert.True(again.Redelivered);
        Assert.Equal(first.Message.Seq, again.Message.Seq);
    }

    [Theory]
    [InlineData("{\"topic\":\">\",\"stream\":\"nope\",\"durable\":\"d\"}", "no stream named 'nope' (declared: audit, orders, recent)")]
    [InlineData("{\"topic\":\">\",\"stream\":\"orders\"}", "fields 'stream' and 'durable' go together")]
    [InlineData("{\"topic\":\">\",\"stream\":\"orders\",\"durable\":\"d\",\"ack\":\"none\"}", "field 'ack' must be \"explicit\"")]
    [InlineData("{\"topic\":\">\",\"stream\":\"orders\",\"durable\":\"d\",\"group\":\"g\"}", "field 'group' cannot be used with 'durable'")]
    [InlineData("{\"topic\":\">\",\"stream\":\"orders\",\"durable\":\"d\",\"start\":\"first\"}", "field 'start' must be \"new\", \"all\" or a sequence number from 1")]
    [InlineData("{\"topic\":\">\",\"stream\":\"orders\",\"durable\":\"d\",\"start\":0}", "field 'start' must be \"new\", \"all\" or a sequence number from 1")]
    [InlineData("{\"topic\":\">\",\"stream\":\"orders\",\"durable\":\"a/b\"}", "field 'durable' must be 1 to 128 characters")]
    [InlineData("{\"topic\":\">\",\"start\":\"all\"}", "field 'start' needs 'stream' and 'durable'")]
    public async Task A_durable_subscribe_that_cannot_be_should_be_refused_with_the_reason(string payload, string reason)
    {
        var broker = Start();
        var client = CreateTestProbe();

        var reply = await ReplyAsync(client, SendRaw(broker, client, MessageTypes.RuntimeSubscribe, payload));

        Assert.Equal(IpcErrors.InvalidPayloadCode, reply.ErrorCode);
        Assert.Contains(reason, reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forward_to_a_stream_should_be_stored_though_nobody_listens_live()
    {
        var listeners = new ForwardListeners();
        var settings = Settings with { Streams = [new StreamSettings("forwards", ["runtime.forward"], null, null, null)] };
        var broker = Sys.ActorOf(BrokerActor.Props(settings, IpcJson.DefaultMaxDepth, listeners));

        // The runtime channel answers a forward itself while this is false, so it would never be stored.
        await AwaitConditionAsync(() => Task.FromResult(listeners.Any), TimeSpan.FromSeconds(5));
        var publisher = CreateTestProbe();
        var id = SendRaw(broker, publisher, MessageTypes.RuntimeForward, "{\"job\":1}", runId: "f1");
        Assert.Equal(IpcResponse.Success(MessageTypes.RuntimeForwardAck, "f1", "{\"accepted\":true}"), await ReplyAsync(publisher, id));
        var report = await broker.Ask<Contracts.StreamsReport>(BrokerProtocol.GetStreams.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(1, report.Streams.Single().LastSeq);
    }

    /// <summary>A durable consumer of <c>orders</c> on its own, following <paramref name="stream"/> (in a cluster, the region).</summary>
    private IActorRef StartConsumer(string durable, IActorRef stream, bool sharded = false)
    {
        StreamStorage.Get(Sys).Open(Settings.Storage);
        return Sys.ActorOf(StreamConsumerActor.Props("orders", durable, new StreamAddress(stream, "orders", sharded), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_member_that_left_before_the_stream_answered_should_never_be_joined()
    {
        var stream = CreateTestProbe();
        var consumer = StartConsumer("early", stream.Ref);
        await stream.ExpectMsgAsync<StreamProtocol.Follow>(TimeSpan.FromSeconds(10));

        var connection = CreateTestProbe();
        var member = new BrokerProtocol.Member(new SubscriptionId(1), connection.Ref, "s1", 10, new SubscriptionStats());
        var request = new ChannelProtocol.Request(1, new IpcRequest(MessageTypes.RuntimeSubscribe, null, "{}"));
        consumer.Tell(new StreamProtocol.Subscribe(member, request, TopicPattern.Parse(">"), new StreamStart(StreamStartKind.All, 0), TestActor));
        consumer.Tell(new BrokerProtocol.Leave(member.Id));
        consumer.Tell(new StreamProtocol.Range(1, 0), stream.Ref);

        var info = await consumer.Ask<Contracts.StreamConsumerInfo>(StreamProtocol.GetInfo.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(0, info.Members);
        await connection.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_consumer_whose_stream_stopped_should_follow_the_stream_again_without_reading_again()
    {
        // In a cluster a stream entity that stopped is started anew by the next message, and its consumers stay.
        var region = CreateTestProbe();
        var consumer = StartConsumer("again", region.Ref, sharded: true);
        var first = await region.ExpectMsgAsync<StreamEntityEnvelope>(TimeSpan.FromSeconds(10));
        Assert.IsType<StreamProtocol.Follow>(first.Message);

        var oldStream = CreateTestProbe();
        consumer.Tell(new StreamProtocol.Range(1, 0), oldStream.Ref);

        // Watching an actor already gone is answered at once, so the order of these two does not matter.
        oldStream.Ref.Tell(PoisonPill.Instance);

        var again = await region.ExpectMsgAsync<StreamEntityEnvelope>(TimeSpan.FromSeconds(10));
        Assert.Equal(("orders", (string?)null), (again.Stream, again.Durable));
        Assert.IsType<StreamProtocol.Follow>(again.Message);
        Assert.Equal(consumer, region.LastSender);
    }

    [Fact]
    public async Task Members_whose_owner_is_gone_should_leave_and_their_connection_should_hear_from_the_owner()
    {
        // In a cluster the owner is the subscribing node's handle: when that node goes, nobody sends the members' Leave.
        var stream = CreateTestProbe();
        var consumer = StartConsumer("owned", stream.Ref);
        await stream.ExpectMsgAsync<StreamProtocol.Follow>(TimeSpan.FromSeconds(10));
        consumer.Tell(new StreamProtocol.Range(1, 0), stream.Ref);

        var (gone, staying) = (CreateTestProbe(), CreateTestProbe());
        var connection = CreateTestProbe();
        var request = new ChannelProtocol.Request(1, new IpcRequest(MessageTypes.RuntimeSubscribe, null, "{}"));
        foreach (var (id, owner) in new[] { (1L, gone), (2L, gone), (3L, staying) })
        {
            var member = new BrokerProtocol.Member(new SubscriptionId(id), connection.Ref, "s" + id, 10, new SubscriptionStats());
            consumer.Tell(new StreamProtocol.Subscribe(member, request, TopicPattern.Parse(">"), new StreamStart(StreamStartKind.All, 0), owner.Ref));
            Assert.Equal(new SubscriptionId(id), (await connection.ExpectMsgAsync<BrokerProtocol.Subscribed>()).Key);
            Assert.Equal(owner.Ref, connection.LastSender);
            await connection.ExpectMsgAsync<ChannelProtocol.Reply>();
            await owner.ExpectMsgAsync<StreamProtocol.Joined>();
        }

        gone.Ref.Tell(PoisonPill.Instance);

        await AwaitAssertAsync(
            async () => Assert.Equal(1, (await consumer.Ask<Contracts.StreamConsumerInfo>(StreamProtocol.GetInfo.Instance, TimeSpan.FromSeconds(5))).Members),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_follow_the_stream_never_answered_should_be_sent_again()
    {
        // A Follow that reached a stream whose recovery then failed is lost with it.
        var stream = CreateTestProbe();
        StartConsumer("unanswered", stream.Ref);

        await stream.ExpectMsgAsync<StreamProtocol.Follow>(TimeSpan.FromSeconds(10));
        await stream.ExpectMsgAsync<StreamProtocol.Follow>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_ack_sent_just_before_the_last_member_unsubscribes_should_be_answered()
    {
        var broker = Start();
        var publisher = CreateTestProbe();
        await PublishStoredAsync(broker, publisher, "orders.1", "1");
        var reader = CreateTestProbe();
        var (_, subscription) = await DurableAsync(broker, reader, "leaver", "all");
        var delivery = await DeliveryAsync(reader);

        var ack = SendRaw(broker, reader, MessageTypes.RuntimeAck, $"{{\"subscription\":\"{subscription}\",\"delivery\":{delivery.Delivery}}}");
        var unsubscribe = SendRaw(broker, reader, MessageTypes.RuntimeUnsubscribe, $"{{\"subscription\":\"{subscription}\"}}");

        var replies = new Dictionary<long, IpcResponse>();
        while (replies.Count < 2)
        {
            switch (await reader.ReceiveOneAsync(TimeSpan.FromSeconds(5)))
            {
                case ChannelProtocol.Reply reply:
                    replies.Add(reply.Id, reply.Response);
                    break;
                case BrokerProtocol.Unsubscribed:
                    break;
                case var other:
                    Assert.Fail($"expected the replies to the ack and the unsubscribe, got {other ?? "nothing in 5 s"}");
                    break;
            }
        }

        Assert.True(replies[ack].Ok, replies[ack].Error);
        Assert.True(replies[unsubscribe].Ok, replies[unsubscribe].Error);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still be closing its files; the directory is in the temp area.
        }
    }
}
