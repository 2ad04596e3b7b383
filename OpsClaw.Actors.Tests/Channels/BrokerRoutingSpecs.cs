using Akka.Actor;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>Who receives a publish (docs/protocol.md §9.1–§9.3): patterns, plain subscriptions, queue groups and their keys.</summary>
public sealed class BrokerRoutingSpecs : BrokerSpecBase
{
    [Theory]
    [InlineData("runs.r42", new[] { "runs.*", "runs.>", "runs.r42", "*.r42", ">" })]
    [InlineData("runs", new[] { ">" })]
    [InlineData("runs.r42.x", new[] { "runs.>", ">" })]
    [InlineData("alerts.disk-full", new[] { ">" })]
    [InlineData("r42.r42", new[] { "*.r42", ">" })]
    public async Task A_publish_should_reach_exactly_the_patterns_that_match_its_topic(string topic, string[] matching)
    {
        var broker = StartBroker();
        string[] patterns = ["runs.*", "runs.>", "runs.r42", "*.r42", ">", "runs.*.y", "other"];
        var subscribers = patterns.ToDictionary(pattern => pattern, _ => CreateTestProbe());
        foreach (var (pattern, probe) in subscribers)
        {
            await SubscribeAsync(broker, probe, pattern);
        }

        var publisher = CreateTestProbe();
        Assert.Equal(matching.Length, await PublishAsync(broker, publisher, topic, "{\"n\":1}"));

        foreach (var (pattern, probe) in subscribers)
        {
            if (matching.Contains(pattern))
            {
                var delivery = await DeliveryAsync(probe);
                Assert.Equal(topic, delivery.Message.Topic);
                Assert.Equal("{\"n\":1}", delivery.Message.Body);
            }

            await NothingMoreAsync(probe);
        }
    }

    [Fact]
    public async Task A_group_should_count_once_in_matched_and_give_each_message_to_exactly_one_member()
    {
        var broker = StartBroker();
        var members = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToArray();
        foreach (var member in members)
        {
            await SubscribeAsync(broker, member, "jobs.*", group: "workers");
        }

        var plain = CreateTestProbe();
        await SubscribeAsync(broker, plain, "jobs.>");
        var publisher = CreateTestProbe();
        const int Messages = 300;
        for (var i = 0; i < Messages; i++)
        {
            Assert.Equal(2, await PublishAsync(broker, publisher, "jobs.run", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var received = new List<string>();
        foreach (var member in members)
        {
            // Without a key, members take turns: an even spread.
            var got = await DeliveriesAsync(member, Messages / members.Length);
            received.AddRange(got.Select(delivery => delivery.Message.Body));
            await NothingMoreAsync(member);
        }

        Assert.Equal(Enumerable.Range(0, Messages).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), received.Order());
        Assert.Equal(Messages, (await DeliveriesAsync(plain, Messages)).Count);
    }

    [Fact]
    public async Task A_key_should_stay_with_its_member_and_only_a_leaving_members_keys_should_move()
    {
        var broker = StartBroker();
        var members = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToArray();
        var wireIds = new string[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            wireIds[i] = (await SubscribeAsync(broker, members[i], "orders.*", group: "g")).Id;
        }

        var publisher = CreateTestProbe();
        var keys = Enumerable.Range(0, 60).Select(i => "k" + i).ToArray();
        async Task<Dictionary<string, int>> RoundAsync(IReadOnlyList<int> live)
        {
            foreach (var key in keys)
            {
                await PublishAsync(broker, publisher, "orders.placed", "{}", key);
            }

            var owner = new Dictionary<string, int>();
            for (var received = 0; received < keys.Length;)
            {
                foreach (var index in live)
                {
                    while (HasDelivery(members[index]))
                    {
                        var delivery = await DeliveryAsync(members[index]);
                        Assert.True(owner.TryAdd(delivery.Message.Key!, index), $"key {delivery.Message.Key} delivered twice");
                        received++;
                    }
                }

                if (received < keys.Length)
                {
                    await Task.Delay(10);
                }
            }

            return owner;
        }

        var first = await RoundAsync([0, 1, 2]);
        var second = await RoundAsync([0, 1, 2]);
        Assert.Equal(first, second);
        Assert.All(Enumerable.Range(0, 3), index => Assert.Contains(index, first.Values));

        var unsubscribe = Send(broker, members[1], MessageTypes.RuntimeUnsubscribe, new { subscription = wireIds[1] });
        await members[1].ExpectMsgAsync<BrokerProtocol.Unsubscribed>();
        Assert.True((await ReplyAsync(members[1], unsubscribe)).Ok);
        var third = await RoundAsync([0, 2]);
        foreach (var key in keys)
        {
            if (first[key] != 1)
            {
                Assert.Equal(first[key], third[key]);
            }
        }

        await NothingMoreAsync(members[1]);
    }

    [Fact]
    public async Task A_connection_should_receive_its_own_publishes_when_they_match()
    {
        var broker = StartBroker();
        var both = CreateTestProbe();
        await SubscribeAsync(broker, both, "echo.>");

        Assert.Equal(1, await PublishAsync(broker, both, "echo.me", "[1]"));

        Assert.Equal("[1]", (await DeliveryAsync(both)).Message.Body);
    }

    [Fact]
    public async Task Forward_should_publish_to_its_topic_keyed_by_run_id_and_keep_its_reply_bytes()
    {
        var broker = StartBroker();
        var listener = CreateTestProbe();
        await SubscribeAsync(broker, listener, "runtime.forward");
        var client = CreateTestProbe();

        var withRunId = SendRaw(broker, client, MessageTypes.RuntimeForward, "{ \"task\" : [1, 2] }", runId: "run-7");
        Assert.Equal(IpcResponse.Success("runtime.forward.ack", "run-7", "{\"accepted\":true}"), await ReplyAsync(client, withRunId));
        var delivery = await DeliveryAsync(listener);
        Assert.Equal("{\"task\":[1,2]}", delivery.Message.Body);
        Assert.Equal("run-7", delivery.Message.Key);
        Assert.Equal("run-7", delivery.Message.RunId);

        var without = SendRaw(broker, client, MessageTypes.RuntimeForward, "7");
        Assert.Equal(IpcResponse.Success("runtime.forward.ack", null, "{\"accepted\":true}"), await ReplyAsync(client, without));
        var second = await DeliveryAsync(listener);
        Assert.Null(second.Message.Key);
        Assert.Null(second.Message.RunId);
    }

    [Fact]
    public async Task Unsubscribe_should_stop_deliveries_and_tell_the_connection()
    {
        var broker = StartBroker();
        var subscriber = CreateTestProbe();
        var (key, id) = await SubscribeAsync(broker, subscriber, "a.b");
        var publisher = CreateTestProbe();

        var unsubscribe = Send(broker, subscriber, MessageTypes.RuntimeUnsubscribe, new { subscription = id });

        Assert.Equal(key, (await subscriber.ExpectMsgAsync<BrokerProtocol.Unsubscribed>()).Key);
        Assert.Equal(IpcResponse.Success("runtime.unsubscribe.ack", null, "{}"), await ReplyAsync(subscriber, unsubscribe));
        Assert.Equal(0, await PublishAsync(broker, publisher, "a.b"));
        await NothingMoreAsync(subscriber);
    }

    [Fact]
    public async Task A_connection_whose_input_ended_or_that_stopped_should_lose_its_subscriptions()
    {
        var broker = StartBroker();
        var halfClosed = CreateTestProbe();
        var (key, _) = await SubscribeAsync(broker, halfClosed, "x.*");
        var gone = CreateTestProbe();
        await SubscribeAsync(broker, gone, "x.>");
        var publisher = CreateTestProbe();

        broker.Tell(new BrokerProtocol.InputEnded(halfClosed.Ref));
        Assert.Equal(key, (await halfClosed.ExpectMsgAsync<BrokerProtocol.Unsubscribed>()).Key);
        Sys.Stop(gone.Ref);

        await AwaitAssertAsync(async () => Assert.Equal(0, await PublishAsync(broker, publisher, "x.y")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Topics_should_list_each_pattern_with_its_subscriptions_and_groups()
    {
        var broker = StartBroker();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        await SubscribeAsync(broker, a, "runs.*");
        await SubscribeAsync(broker, a, "jobs.>", group: "w", ack: "explicit", maxPending: 5);
        await SubscribeAsync(broker, b, "jobs.>", group: "w", ack: "explicit", maxPending: 7);
        await PublishAsync(broker, CreateTestProbe(), "runs.r1");

        var report = await broker.Ask<Contracts.TopicsReport>(BrokerProtocol.GetTopics.Instance, TimeSpan.FromSeconds(5));

        Assert.Equal(["jobs.>", "runs.*"], report.Patterns.Select(pattern => pattern.Pattern));
        var jobs = report.Patterns[0];
        Assert.Empty(jobs.Subscriptions);
        var group = Assert.Single(jobs.Groups);
        Assert.Equal(("w", "explicit"), (group.Name, group.Ack));
        Assert.Equal([5, 7], group.Members.Select(member => member.MaxPending).Order());
        var runs = Assert.Single(report.Patterns[1].Subscriptions);
        Assert.Equal(("s1", "none", 1000), (runs.Subscription, runs.Ack, runs.MaxPending));
    }

    [Fact]
    public async Task A_batch_of_publishes_should_be_answered_with_one_reply_batch_and_one_delivery_batch_per_connection()
    {
        var broker = StartBroker();
        var subscriber = CreateTestProbe();
        await SubscribeAsync(broker, subscriber, "b.*");
        await SubscribeAsync(broker, subscriber, "b.>");
        var publisher = CreateTestProbe();
        var requests = Enumerable.Range(1, 3)
            .Select(i => new ChannelProtocol.Request(1000 + i, new IpcRequest(MessageTypes.RuntimePublish, "r" + i, $"{{\"topic\":\"b.x\",\"body\":{i}}}")))
            .ToArray();

        broker.Tell(new ChannelProtocol.RequestBatch(requests), publisher.Ref);

        var replies = await publisher.ExpectMsgAsync<ChannelProtocol.ReplyBatch>();
        Assert.Equal([1001L, 1002L, 1003L], replies.Replies.Take(replies.Count).Select(reply => reply.Id));
        Assert.All(replies.Replies.Take(replies.Count), reply => Assert.Equal("{\"matched\":2}", reply.Response.PayloadJson));
        var deliveries = await subscriber.ExpectMsgAsync<BrokerProtocol.DeliverBatch>();
        Assert.Equal(["1", "1", "2", "2", "3", "3"], deliveries.Deliveries.Select(delivery => delivery.Message.Body));
        await NothingMoreAsync(subscriber);
    }
}
