using Akka.Actor;
using Akka.Cluster;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Clustering;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// The receiving side of the ledger (docs/cluster.md, "Queue groups across nodes") on a broker in a
/// one-node cluster, with a probe playing the origin node's broker: what it holds for another node it
/// reports settled once acknowledged, keeps one copy of when sent again, and names as missing when
/// asked about a number it does not hold.
/// </summary>
public sealed class BrokerLedgerSpecs : BrokerSpecBase
{
    private const string ClusterConfig = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.distributed-data.notify-subscribers-interval = 100ms
        """;

    /// <summary>Generous: the one-node cluster starts beside the broker on a shared machine.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public BrokerLedgerSpecs()
        : base(ClusterConfig + "\n" + IpcDefaults.Config.ToString(includeFallback: false))
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
    }

    [Fact]
    public async Task A_message_held_for_another_node_should_be_reported_settled_on_ack_kept_once_and_audited()
    {
        await ClusterUpAsync();
        var broker = Sys.ActorOf(BrokerActor.Props(DefaultSettings, IpcJson.DefaultMaxDepth, clustered: true));
        var worker = CreateTestProbe();
        var origin = CreateTestProbe();
        var (key, _) = await SubscribeAsync(broker, worker, "jobs.>", group: "workers", ack: "explicit");

        // Asked about numbers it never got, the broker names them all.
        broker.Tell(new LedgerCheck([5, 6]), origin.Ref);
        Assert.Equal(new long[] { 5, 6 }, (await origin.ExpectMsgAsync<LedgerMissing>(Wait)).Ledger);

        var message = new RemoteMessage("jobs.run", "{\"n\":1}", null, null, [new RemoteGroup("workers", "jobs.>", 5)], Resent: false);
        broker.Tell(new RemotePublish([message]), origin.Ref);
        var delivery = await DeliveryAsync(worker);
        Assert.Equal(key, delivery.Key);
        Assert.Equal("{\"n\":1}", delivery.Message.Body);

        // Sent again (an audit crossed with the first copy): one copy is enough.
        broker.Tell(new RemotePublish([message with { Resent = true }]), origin.Ref);
        broker.Tell(new LedgerCheck([5, 6]), origin.Ref);
        Assert.Equal(new long[] { 6 }, (await origin.ExpectMsgAsync<LedgerMissing>(Wait)).Ledger);
        await NothingMoreAsync(worker);

        // Acknowledged: the origin hears it, and the broker no longer holds it.
        var ack = Send(broker, worker, MessageTypes.RuntimeAck, $"{{\"subscription\":\"s1\",\"delivery\":{delivery.Delivery}}}");
        Assert.True((await ReplyAsync(worker, ack)).Ok);
        Assert.Equal(new long[] { 5 }, (await origin.ExpectMsgAsync<RemoteSettled>(Wait)).Ledger);

        // The queue tells the broker it let go of 5 as it tells the origin; asked meanwhile, the broker may still hold it.
        await AwaitAssertAsync(
            async () =>
            {
                broker.Tell(new LedgerCheck([5]), origin.Ref);
                Assert.Equal(new long[] { 5 }, (await origin.ExpectMsgAsync<LedgerMissing>(Wait)).Ledger);
            },
            Wait,
            TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_message_for_a_group_with_no_member_here_should_be_given_back_at_once()
    {
        await ClusterUpAsync();
        var broker = Sys.ActorOf(BrokerActor.Props(DefaultSettings, IpcJson.DefaultMaxDepth, clustered: true));
        var origin = CreateTestProbe();

        broker.Tell(new RemotePublish([new RemoteMessage("jobs.run", "1", null, null, [new RemoteGroup("workers", "jobs.>", 9)], Resent: false)]), origin.Ref);

        Assert.Equal(new long[] { 9 }, (await origin.ExpectMsgAsync<RemoteReturned>(Wait)).Ledger);
    }

    private Task ClusterUpAsync() =>
        AwaitConditionAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
}
