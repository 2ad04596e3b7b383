using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>At least once (docs/protocol.md §9.3, §9.4): max_pending, acks, and redelivery on each of its triggers.</summary>
public sealed class BrokerAckSpecs : BrokerSpecBase
{
    [Fact]
    public async Task An_explicit_subscription_should_hold_at_most_max_pending_unacknowledged_and_go_on_when_acked()
    {
        var broker = StartBroker();
        var subscriber = CreateTestProbe();
        var (_, id) = await SubscribeAsync(broker, subscriber, "q", ack: "explicit", maxPending: 2);
        var publisher = CreateTestProbe();
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(1, await PublishAsync(broker, publisher, "q", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var first = await DeliveriesAsync(subscriber, 2);
        Assert.Equal([1L, 2L], first.Select(delivery => delivery.Delivery));
        Assert.Equal(["1", "2"], first.Select(delivery => delivery.Message.Body));
        await NothingMoreAsync(subscriber);

        var ack = Send(broker, subscriber, MessageTypes.RuntimeAck, new { subscription = id, delivery = 2 });
        Assert.Equal(IpcResponse.Success("runtime.ack.ok", null, "{}"), await ReplyAsync(subscriber, ack));
        var third = await DeliveryAsync(subscriber);
        Assert.Equal((3L, "3", false), (third.Delivery, third.Message.Body, third.Redelivered));

        var upTo = Send(broker, subscriber, MessageTypes.RuntimeAck, new { subscription = id, up_to = 3 });
        Assert.True((await ReplyAsync(subscriber, upTo)).Ok);
        Assert.Equal(["4", "5"], (await DeliveriesAsync(subscriber, 2)).Select(delivery => delivery.Message.Body));
    }

    [Fact]
    public async Task A_nack_should_deliver_again_with_the_next_number_marked_redelivered()
    {
        var broker = StartBroker();
        var subscriber = CreateTestProbe();
        var (_, id) = await SubscribeAsync(broker, subscriber, "q", ack: "explicit");
        await PublishAsync(broker, CreateTestProbe(), "q", "\"job\"");
        Assert.Equal(1, (await DeliveryAsync(subscriber)).Delivery);

        var nack = Send(broker, subscriber, MessageTypes.RuntimeNack, new { subscription = id, delivery = 1 });

        Assert.Equal(IpcResponse.Success("runtime.nack.ok", null, "{}"), await ReplyAsync(subscriber, nack));
        var again = await DeliveryAsync(subscriber);
        Assert.Equal((2L, true, "\"job\""), (again.Delivery, again.Redelivered, again.Message.Body));

        // The nacked number is settled: acking it now is an unknown delivery.
        var late = Send(broker, subscriber, MessageTypes.RuntimeAck, new { subscription = id, delivery = 1 });
        Assert.Equal(IpcErrors.UnknownDelivery(1, id, null), await ReplyAsync(subscriber, late));
    }

    [Fact]
    public async Task A_delivery_not_acked_within_ack_wait_should_be_delivered_again_and_not_before()
    {
        var settings = DefaultSettings with { AckWait = TimeSpan.FromSeconds(10) };
        var broker = StartBroker(settings);
        var subscriber = CreateTestProbe();
        var (_, id) = await SubscribeAsync(broker, subscriber, "q", ack: "explicit");
        await PublishAsync(broker, CreateTestProbe(), "q", "1");
        await PublishAsync(broker, CreateTestProbe(), "q", "2");
        Assert.Equal([1L, 2L], (await DeliveriesAsync(subscriber, 2)).Select(delivery => delivery.Delivery));
        var ack = Send(broker, subscriber, MessageTypes.RuntimeAck, new { subscription = id, delivery = 2 });
        Assert.True((await ReplyAsync(subscriber, ack)).Ok);

        Clock.Advance(TimeSpan.FromSeconds(9));
        await NothingMoreAsync(subscriber);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var again = await DeliveryAsync(subscriber);
        Assert.Equal((3L, true, "1"), (again.Delivery, again.Redelivered, again.Message.Body));
        await NothingMoreAsync(subscriber);
    }

    [Fact]
    public async Task Unacknowledged_deliveries_of_a_member_that_unsubscribes_or_disconnects_should_go_to_another_member()
    {
        var broker = StartBroker();
        var leaving = CreateTestProbe();
        var crashing = CreateTestProbe();
        var survivor = CreateTestProbe();
        var (_, leavingId) = await SubscribeAsync(broker, leaving, "work", group: "g", ack: "explicit", maxPending: 100);
        await SubscribeAsync(broker, crashing, "work", group: "g", ack: "explicit", maxPending: 100);
        var (_, survivorId) = await SubscribeAsync(broker, survivor, "work", group: "g", ack: "explicit", maxPending: 100);
        var publisher = CreateTestProbe();
        for (var i = 0; i < 30; i++)
        {
            await PublishAsync(broker, publisher, "work", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var leavingGot = await DeliveriesAsync(leaving, 10);
        var crashingGot = await DeliveriesAsync(crashing, 10);
        var survivorGot = await DeliveriesAsync(survivor, 10);
        var ack = Send(broker, survivor, MessageTypes.RuntimeAck, new { subscription = survivorId, up_to = 10 });
        Assert.True((await ReplyAsync(survivor, ack)).Ok);

        var unsubscribe = Send(broker, leaving, MessageTypes.RuntimeUnsubscribe, new { subscription = leavingId });
        await leaving.ExpectMsgAsync<BrokerProtocol.Unsubscribed>();
        Assert.True((await ReplyAsync(leaving, unsubscribe)).Ok);
        Sys.Stop(crashing.Ref);

        var again = await DeliveriesAsync(survivor, 20);
        Assert.All(again, delivery => Assert.True(delivery.Redelivered));
        Assert.Equal(Enumerable.Range(11, 20).Select(n => (long)n), again.Select(delivery => delivery.Delivery));
        Assert.Equal(
            leavingGot.Concat(crashingGot).Select(delivery => delivery.Message.Body).Order(),
            again.Select(delivery => delivery.Message.Body).Order());
        Assert.Empty(survivorGot.Select(delivery => delivery.Message.Body).Intersect(again.Select(delivery => delivery.Message.Body)));
        await NothingMoreAsync(survivor);
    }

    [Fact]
    public async Task A_publish_past_max_pending_plus_max_queued_should_be_refused_and_stored_nowhere()
    {
        var broker = StartBroker(DefaultSettings with { MaxQueued = 3 });
        var subscriber = CreateTestProbe();
        var (_, id) = await SubscribeAsync(broker, subscriber, "q", ack: "explicit", maxPending: 1);
        var plain = CreateTestProbe();
        await SubscribeAsync(broker, plain, "q");
        var publisher = CreateTestProbe();
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(2, await PublishAsync(broker, publisher, "q", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var refused = SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"q\",\"body\":5}", runId: "r5");
        var reply = await ReplyAsync(publisher, refused);
        Assert.Equal((IpcErrors.OverloadedCode, "r5"), (reply.ErrorCode, reply.RunId));
        Assert.Equal("subscription 's1' on 'q' has 3 messages queued (broker.max-queued); the publish was not stored", reply.Error);

        // Stored nowhere: the plain subscriber did not get it either.
        Assert.Equal(["1", "2", "3", "4"], (await DeliveriesAsync(plain, 4)).Select(delivery => delivery.Message.Body));
        for (var expected = 1; expected <= 4; expected++)
        {
            var delivery = await DeliveryAsync(subscriber);
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), delivery.Message.Body);
            var ack = Send(broker, subscriber, MessageTypes.RuntimeAck, new { subscription = id, delivery = delivery.Delivery });
            Assert.True((await ReplyAsync(subscriber, ack)).Ok);
        }

        await NothingMoreAsync(subscriber);
        await NothingMoreAsync(plain);
        Assert.Equal(2, await PublishAsync(broker, publisher, "q", "6"));
    }

    [Fact]
    public async Task Acks_should_name_a_live_subscription_of_the_same_connection_and_an_unacknowledged_delivery()
    {
        var broker = StartBroker();
        var owner = CreateTestProbe();
        var other = CreateTestProbe();
        var (_, plainId) = await SubscribeAsync(broker, owner, "p");
        var (_, explicitId) = await SubscribeAsync(broker, owner, "e", ack: "explicit");

        var foreign = Send(broker, other, MessageTypes.RuntimeAck, new { subscription = explicitId, delivery = 1 });
        Assert.Equal(IpcErrors.UnknownSubscription(explicitId, null), await ReplyAsync(other, foreign));

        var atMostOnce = Send(broker, owner, MessageTypes.RuntimeNack, new { subscription = plainId, delivery = 1 });
        Assert.Equal("unknown delivery 1 of 's1'", (await ReplyAsync(owner, atMostOnce)).Error);

        var never = Send(broker, owner, MessageTypes.RuntimeAck, new { subscription = explicitId, delivery = 1 }, runId: "r");
        Assert.Equal(IpcErrors.UnknownDelivery(1, explicitId, "r"), await ReplyAsync(owner, never));

        var missing = Send(broker, owner, MessageTypes.RuntimeUnsubscribe, new { subscription = "s99" });
        Assert.Equal(IpcResponse.Failure("unknown_subscription", "unknown subscription 's99'", null), await ReplyAsync(owner, missing));
    }

    [Fact]
    public async Task A_connection_should_hold_at_most_the_subscription_limit()
    {
        var broker = StartBroker(DefaultSettings with { MaxSubscriptionsPerConnection = 2 });
        var connection = CreateTestProbe();
        await SubscribeAsync(broker, connection, "a");
        await SubscribeAsync(broker, connection, "b");

        var third = Send(broker, connection, MessageTypes.RuntimeSubscribe, new { topic = "c" }, runId: "r3");

        Assert.Equal(IpcResponse.Failure("limit_exceeded", "subscription limit (2) reached", "r3"), await ReplyAsync(connection, third));
        Assert.Equal(1, await SubscribeAsync(broker, CreateTestProbe(), "c") is { } ? 1 : 0);
    }

    [Fact]
    public async Task Every_member_of_a_group_should_subscribe_with_the_same_ack()
    {
        var broker = StartBroker();
        await SubscribeAsync(broker, CreateTestProbe(), "w.*", group: "g", ack: "explicit");
        var connection = CreateTestProbe();

        var mismatch = Send(broker, connection, MessageTypes.RuntimeSubscribe, new { topic = "w.*", group = "g" });

        var reply = await ReplyAsync(connection, mismatch);
        Assert.Equal(IpcErrors.InvalidPayloadCode, reply.ErrorCode);
        Assert.Equal("invalid payload for 'runtime.subscribe': group 'g' on 'w.*' has ack 'explicit' members; every member must subscribe with the same ack", reply.Error);

        // The same name on another pattern is another group.
        await SubscribeAsync(broker, connection, "w.>", group: "g");
    }
}
