using Akka.Actor;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A broker's handle of a sharded durable consumer: everything goes through the region in an
/// envelope, a subscribe names the handle as its owner, and when a consumer incarnation stops the
/// broker is told exactly the subscriptions that incarnation held, not those that left (before or after they
/// joined) or joined another.
/// </summary>
public sealed class StreamEntityHandleSpecs() : TestKit(IpcDefaults.Config)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_consumer_that_stops_should_end_only_the_subscriptions_it_held()
    {
        var (broker, region) = (CreateTestProbe(), CreateTestProbe());
        var handle = broker.ChildActorOf(StreamEntityHandle.Props(region.Ref, "orders", "billing"));

        var member = new BrokerProtocol.Member(new SubscriptionId(1), CreateTestProbe().Ref, "s1", 8, new SubscriptionStats());
        var request = new ChannelProtocol.Request(3, new IpcRequest(MessageTypes.RuntimeSubscribe, null, "{}"));
        handle.Tell(new StreamProtocol.Subscribe(member, request, TopicPattern.Parse(">"), StreamStart.New, broker.Ref), broker.Ref);
        var sent = await region.ExpectMsgAsync<StreamEntityEnvelope>(Wait);
        Assert.Equal("orders.billing", sent.EntityId);
        Assert.Equal(handle, Assert.IsType<StreamProtocol.Subscribe>(sent.Message).Owner);
        Assert.Equal(broker.Ref, region.LastSender);

        foreach (var id in new long[] { 2, 3 })
        {
            handle.Tell(new StreamProtocol.Subscribe(member with { Id = new SubscriptionId(id) }, request, TopicPattern.Parse(">"), StreamStart.New, broker.Ref), broker.Ref);
            await region.ExpectMsgAsync<StreamEntityEnvelope>(Wait);
        }

        var (oldConsumer, newConsumer) = (CreateTestProbe(), CreateTestProbe());
        handle.Tell(new StreamProtocol.Joined(new SubscriptionId(1)), oldConsumer.Ref);
        handle.Tell(new StreamProtocol.Joined(new SubscriptionId(2)), oldConsumer.Ref);
        handle.Tell(new StreamProtocol.Joined(new SubscriptionId(3)), newConsumer.Ref);
        handle.Tell(new BrokerProtocol.Leave(new SubscriptionId(2)), broker.Ref);
        Assert.IsType<BrokerProtocol.Leave>((await region.ExpectMsgAsync<StreamEntityEnvelope>(Wait)).Message);

        oldConsumer.Ref.Tell(PoisonPill.Instance);

        var lost = await broker.ExpectMsgAsync<StreamProtocol.Lost>(Wait);
        Assert.Equal([new SubscriptionId(1)], lost.Ids);

        handle.Tell(new StreamProtocol.Refused(new SubscriptionId(4)), newConsumer.Ref);
        Assert.Equal(new StreamProtocol.Refused(new SubscriptionId(4)), await broker.ExpectMsgAsync<StreamProtocol.Refused>(Wait));

        // A Joined for a subscription never sent through the handle is stale and not counted.
        handle.Tell(new StreamProtocol.Joined(new SubscriptionId(6)), newConsumer.Ref);

        // A member that left before its Joined came back is not counted as the consumer's.
        handle.Tell(new StreamProtocol.Subscribe(member with { Id = new SubscriptionId(5) }, request, TopicPattern.Parse(">"), StreamStart.New, broker.Ref), broker.Ref);
        await region.ExpectMsgAsync<StreamEntityEnvelope>(Wait);
        handle.Tell(new BrokerProtocol.Leave(new SubscriptionId(5)), broker.Ref);
        await region.ExpectMsgAsync<StreamEntityEnvelope>(Wait);
        handle.Tell(new StreamProtocol.Joined(new SubscriptionId(5)), newConsumer.Ref);
        newConsumer.Ref.Tell(PoisonPill.Instance);
        Assert.Equal([new SubscriptionId(3)], (await broker.ExpectMsgAsync<StreamProtocol.Lost>(Wait)).Ids);

        // A connection whose input ended tells the sender of its Subscribed, this handle: the broker hears it.
        var connection = CreateTestProbe().Ref;
        handle.Tell(new BrokerProtocol.InputEnded(connection), connection);
        Assert.Equal(connection, (await broker.ExpectMsgAsync<BrokerProtocol.InputEnded>(Wait)).Connection);

        handle.Tell(StreamProtocol.GetInfo.Instance, TestActor);
        var info = await region.ExpectMsgAsync<StreamEntityEnvelope>(Wait);
        Assert.Same(StreamProtocol.GetInfo.Instance, info.Message);
        Assert.Equal(TestActor, region.LastSender);
    }
}
