using Akka.Actor;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A cluster node asked to host a stream it does not declare (the nodes' configurations differ)
/// stores nothing and answers everything it is sent, so no publish or subscribe waits for a timeout.
/// </summary>
public sealed class UndeclaredStreamSpecs() : TestKit(IpcDefaults.Config)
{
    [Fact]
    public async Task Publishes_and_subscribes_should_be_refused_handler_failed_at_once()
    {
        var stream = Sys.ActorOf(UndeclaredStreamActor.Props("orders", null));
        var (connection, owner) = (CreateTestProbe(), CreateTestProbe());
        var publish = new ChannelProtocol.Request(4, new IpcRequest(MessageTypes.RuntimePublish, "run-4", "{}"));

        stream.Tell(new StreamProtocol.Append([
            new StreamProtocol.Appending(publish, connection.Ref, new PublishedMessage("orders.1", "{}", null, "run-4"), 0),
            new StreamProtocol.Appending(publish with { Id = 5 }, connection.Ref, new PublishedMessage("orders.2", "{}", null, "run-4"), 0),
        ]));

        Assert.Equal(new ChannelProtocol.Reply(4, IpcErrors.HandlerFailed(MessageTypes.RuntimePublish, "run-4")), await connection.ExpectMsgAsync<ChannelProtocol.Reply>());
        Assert.Equal(5, (await connection.ExpectMsgAsync<ChannelProtocol.Reply>()).Id);

        var subscribe = new ChannelProtocol.Request(6, new IpcRequest(MessageTypes.RuntimeSubscribe, null, "{}"));
        var member = new BrokerProtocol.Member(new SubscriptionId(9), connection.Ref, "s1", 8, new SubscriptionStats());
        stream.Tell(new StreamProtocol.Subscribe(member, subscribe, TopicPattern.Parse(">"), StreamStart.New, owner.Ref));

        Assert.Equal(new ChannelProtocol.Reply(6, IpcErrors.HandlerFailed(MessageTypes.RuntimeSubscribe, null)), await connection.ExpectMsgAsync<ChannelProtocol.Reply>());
        Assert.Equal(new StreamProtocol.Refused(member.Id), await owner.ExpectMsgAsync<StreamProtocol.Refused>());

        var settle = new ChannelProtocol.Request(7, new IpcRequest(MessageTypes.RuntimeAck, null, "{}"));
        stream.Tell(new BrokerProtocol.Settle(member.Id, settle, "s1", 1, BrokerProtocol.SettleKind.Ack, connection.Ref));
        Assert.Equal(new ChannelProtocol.Reply(7, IpcErrors.UnknownSubscription("s1", null)), await connection.ExpectMsgAsync<ChannelProtocol.Reply>());

        Assert.Equal("unavailable", (await stream.Ask<Contracts.StreamInfo>(StreamProtocol.GetInfo.Instance, TimeSpan.FromSeconds(5))).Status);
        var consumer = Sys.ActorOf(UndeclaredStreamActor.Props("orders", "billing"));
        Assert.Equal(new Contracts.StreamConsumerInfo("billing", "", 0, 0, 0), await consumer.Ask<Contracts.StreamConsumerInfo>(StreamProtocol.GetInfo.Instance, TimeSpan.FromSeconds(5)));
    }
}
