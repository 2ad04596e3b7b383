using System.Globalization;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Cluster;

/// <summary>
/// The cluster (docs/cluster.md) on real hosts: three (or four) opsclaw processes on loopback, each
/// with its own sockets and port, started, stopped, killed and frozen by pid.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSpecs
{
    [Fact]
    public async Task A_publish_on_one_node_should_reach_the_matching_subscriptions_on_every_node_in_order()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        await using var onB = await GroupReader.SubscribeAsync(b, "orders.*", new SubscribeOptions { MaxPending = 4096 });
        await using var onC = await GroupReader.SubscribeAsync(c, "orders.>", new SubscribeOptions { MaxPending = 4096 });
        await LoopbackCluster.WaitForInterestAsync(a, b, 1);
        await LoopbackCluster.WaitForInterestAsync(a, c, 1);

        await using var publisher = await IpcClient.ConnectAsync(a.RuntimeSocket);
        const int Count = 1000;
        for (var i = 1; i <= Count; i++)
        {
            Assert.Equal(2, await publisher.PublishAsync("orders.new", Number(i)));
        }

        Assert.Equal(1, await publisher.PublishAsync("orders.new.deep", Number(Count + 1)));
        Assert.Equal(0, await publisher.PublishAsync("invoices.new", Number(Count + 2)));

        await onB.WaitUntilAsync(reader => reader.Received.Count >= Count, "B receiving every orders.new");
        await onC.WaitUntilAsync(reader => reader.Received.Count >= Count + 1, "C receiving every orders.> message");
        Assert.Equal(Enumerable.Range(1, Count), onB.Received.Select(delivery => delivery.Number));
        Assert.Equal(Enumerable.Range(1, Count + 1), onC.Received.Select(delivery => delivery.Number));
    }

    [Fact]
    public async Task A_queue_group_spanning_three_nodes_should_take_each_message_exactly_once_keeping_each_key_on_one_member()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        var explicitGroup = new SubscribeOptions { Group = "workers", Ack = AckMode.Explicit, MaxPending = 256 };
        var readers = new List<GroupReader>();
        foreach (var node in cluster.Nodes)
        {
            readers.Add(await GroupReader.SubscribeAsync(node, "jobs.>", explicitGroup));
        }

        try
        {
            foreach (var node in cluster.Nodes)
            {
                await LoopbackCluster.WaitForInterestAsync(cluster[0], node, 1);
                await LoopbackCluster.WaitForInterestAsync(cluster[1], node, 1);
            }

            const int Count = 3000;
            await using (var onA = await IpcClient.ConnectAsync(cluster[0].RuntimeSocket))
            await using (var onB = await IpcClient.ConnectAsync(cluster[1].RuntimeSocket))
            {
                for (var i = 1; i <= Count; i++)
                {
                    // Half keyed (from two nodes, so both must choose alike), half in turn.
                    var publisher = i % 4 < 2 ? onA : onB;
                    var key = i % 2 == 0 ? "k" + (i % 37).ToString(CultureInfo.InvariantCulture) : null;
                    Assert.Equal(1, await publisher.PublishAsync("jobs.run", Number(i), key));
                }
            }

            await WaitForAllAsync(readers, Count);
            var all = readers.SelectMany(reader => reader.Received).ToList();
            Assert.Equal(Count, all.Count);
            Assert.Equal(Enumerable.Range(1, Count), all.Select(delivery => delivery.Number).Order());
            Assert.All(readers, reader => Assert.NotEmpty(reader.Received));
            foreach (var key in all.Where(delivery => delivery.Key is not null).Select(delivery => delivery.Key).Distinct())
            {
                Assert.Single(readers, reader => reader.Received.Any(delivery => delivery.Key == key));
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_node_joining_late_should_receive_the_publishes_made_after_it_subscribed()
    {
        await using var cluster = await LoopbackCluster.StartAsync(2);
        var late = await cluster.AddNodeAsync();
        await using var onLate = await GroupReader.SubscribeAsync(late, "news.>", new SubscribeOptions());
        await LoopbackCluster.WaitForInterestAsync(cluster[0], late, 1);

        await using var publisher = await IpcClient.ConnectAsync(cluster[0].RuntimeSocket);
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(1, await publisher.PublishAsync("news.today", Number(i)));
        }

        await onLate.WaitUntilAsync(reader => reader.Received.Count >= 10, "the late node receiving ten messages");
        Assert.Equal(Enumerable.Range(1, 10), onLate.Received.Select(delivery => delivery.Number));
    }

    [Fact]
    public async Task Killing_a_node_under_load_should_deliver_what_it_held_unacknowledged_to_a_survivor_marked_redelivered()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var group = new SubscribeOptions { Group = "workers", Ack = AckMode.Explicit, MaxPending = 4096 };

        // B's member reads but never acks: everything routed to B is held there, unacknowledged, when B dies.
        await using var onB = await GroupReader.SubscribeAsync(b, "jobs.>", group, acking: false);
        await using var onC = await GroupReader.SubscribeAsync(c, "jobs.>", group);
        await LoopbackCluster.WaitForInterestAsync(a, b, 1);
        await LoopbackCluster.WaitForInterestAsync(a, c, 1);

        const int Count = 3000;
        await using var publisher = await IpcClient.ConnectAsync(a.RuntimeSocket);
        var publishing = Task.Run(async () =>
        {
            for (var i = 1; i <= Count; i++)
            {
                Assert.Equal(1, await publisher.PublishAsync("jobs.run", Number(i)));
            }
        });

        await onB.WaitUntilAsync(reader => reader.Received.Count >= 300, "B holding 300 deliveries");
        await b.KillAsync();
        await publishing;

        var heldByB = onB.Numbers();
        await onC.WaitUntilAsync(reader => reader.Acked.Count >= Count, "C acking every message");
        Assert.Equal(Enumerable.Range(1, Count), onC.Acked.Keys.Order());
        var firstAtC = onC.Received.GroupBy(delivery => delivery.Number).Select(deliveries => deliveries.First()).ToList();
        Assert.All(firstAtC.Where(delivery => heldByB.Contains(delivery.Number)), delivery => Assert.True(delivery.Redelivered, $"message {delivery.Number}, held by B, came to C unmarked"));
        Assert.Contains(firstAtC, delivery => !delivery.Redelivered);
    }

    [Fact]
    public async Task A_node_leaving_gracefully_should_hand_its_share_over_without_any_redelivery()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var group = new SubscribeOptions { Group = "workers", Ack = AckMode.Explicit, MaxPending = 256 };
        await using var onB = await GroupReader.SubscribeAsync(b, "jobs.>", group);
        await using var onC = await GroupReader.SubscribeAsync(c, "jobs.>", group);
        await LoopbackCluster.WaitForInterestAsync(a, b, 1);
        await LoopbackCluster.WaitForInterestAsync(a, c, 1);

        await using var publisher = await IpcClient.ConnectAsync(a.RuntimeSocket);
        for (var i = 1; i <= 500; i++)
        {
            await publisher.PublishAsync("jobs.run", Number(i));
        }

        await WaitForAllAsync([onB, onC], 500);
        var ackedByB = onB.Acked.Count;
        Assert.True(ackedByB > 0, "B took none of the first 500");
        await b.TerminateAsync();
        await cluster.WaitForMembersAsync(2, a, c);

        for (var i = 501; i <= 1000; i++)
        {
            Assert.Equal(1, await publisher.PublishAsync("jobs.run", Number(i)));
        }

        await onC.WaitUntilAsync(reader => reader.Acked.Count >= 1000 - ackedByB, "C acking the rest");
        Assert.Equal(Enumerable.Range(1, 1000), onB.Acked.Keys.Concat(onC.Acked.Keys).Order());
        Assert.DoesNotContain(onC.Received, delivery => delivery.Redelivered);
    }

    [Fact]
    public async Task A_member_leaving_its_node_should_hand_what_it_held_to_the_group_on_another_node_marked_redelivered()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var group = new SubscribeOptions { Group = "workers", Ack = AckMode.Explicit, MaxPending = 4096 };
        await using var onB = await GroupReader.SubscribeAsync(b, "jobs.>", group, acking: false);
        await using var onC = await GroupReader.SubscribeAsync(c, "jobs.>", group);
        await LoopbackCluster.WaitForInterestAsync(a, b, 1);
        await LoopbackCluster.WaitForInterestAsync(a, c, 1);

        await using var publisher = await IpcClient.ConnectAsync(a.RuntimeSocket);
        for (var i = 1; i <= 200; i++)
        {
            Assert.Equal(1, await publisher.PublishAsync("jobs.run", Number(i)));
        }

        await onB.WaitUntilAsync(reader => reader.Received.Count + onC.Received.Count >= 200, "every message delivered once");
        var heldByB = onB.Numbers();
        Assert.NotEmpty(heldByB);

        // B's only member goes (its connection closes) with everything unacknowledged: B gives it back to A,
        // which routes it to C. B stays in the cluster.
        await onB.DisposeAsync();
        await onC.WaitUntilAsync(reader => reader.Acked.Count >= 200, "C acking every message");
        Assert.Equal(Enumerable.Range(1, 200), onC.Acked.Keys.Order());
        Assert.All(onC.Received.Where(delivery => heldByB.Contains(delivery.Number)), delivery => Assert.True(delivery.Redelivered));
        Assert.All(onC.Received.Where(delivery => !heldByB.Contains(delivery.Number)), delivery => Assert.False(delivery.Redelivered));
    }

    [Fact]
    public async Task A_node_frozen_past_the_failure_detector_should_be_downed_while_the_majority_goes_on()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        await using var onB = await GroupReader.SubscribeAsync(b, "alerts.>", new SubscribeOptions());
        await LoopbackCluster.WaitForInterestAsync(a, b, 1);

        c.Freeze();
        await cluster.WaitForMembersAsync(2, a, b);
        await using var publisher = await IpcClient.ConnectAsync(a.RuntimeSocket);
        Assert.Equal(1, await publisher.PublishAsync("alerts.disk", Number(1)));
        await onB.WaitUntilAsync(reader => reader.Received.Count >= 1, "B receiving the alert");

        // Thawed, C learns it was downed and stops by itself, exit 1 so a supervisor starts it again:
        // a downed node must not serve alone.
        c.Thaw();
        Assert.Equal(1, await c.WaitForExitAsync(TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public async Task What_one_node_may_hold_unacknowledged_for_another_should_be_bounded_and_a_group_should_keep_one_ack_mode()
    {
        await using var cluster = await LoopbackCluster.StartAsync(2, "opsclaw.broker.max-queued = 10");
        var (a, b) = (cluster[0], cluster[1]);

        // B's only member takes one delivery and acks nothing yet: every message of the group goes to B and stays in A's ledger.
        await using var onB = await IpcClient.ConnectAsync(b.RuntimeSocket);
        var member = await onB.SubscribeAsync("jobs.>", new SubscribeOptions { Group = "workers", Ack = AckMode.Explicit, MaxPending = 1 });
        await LoopbackCluster.WaitForInterestAsync(a, b, 1);

        await using var onA = await IpcClient.ConnectAsync(a.RuntimeSocket);
        var mismatch = await Assert.ThrowsAsync<IpcRequestException>(() => onA.SubscribeAsync("jobs.>", new SubscribeOptions { Group = "workers" }));
        Assert.Equal("invalid_payload", mismatch.ErrorCode);
        Assert.Contains("has ack 'explicit' members on other nodes", mismatch.Message, StringComparison.Ordinal);

        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(1, await onA.PublishAsync("jobs.run", Number(i)));
        }

        var refused = await Assert.ThrowsAsync<IpcRequestException>(() => onA.PublishAsync("jobs.run", Number(11)));
        Assert.Equal("overloaded", refused.ErrorCode);
        Assert.Contains($"group 'workers' on 'jobs.>' (node {b.Address} holds 10 messages from this node unacknowledged)", refused.Message, StringComparison.Ordinal);

        // An ack on B frees a place in A's ledger.
        await using (var deliveries = member.Deliveries.GetAsyncEnumerator())
        {
            Assert.True(await deliveries.MoveNextAsync());
            await deliveries.Current.AckAsync();
        }

        var deadline = DateTime.UtcNow + LoopbackCluster.Wait;
        while (true)
        {
            try
            {
                Assert.Equal(1, await onA.PublishAsync("jobs.run", Number(11)));
                break;
            }
            catch (IpcRequestException ex) when (ex.ErrorCode == "overloaded" && DateTime.UtcNow < deadline)
            {
                // The settle travels from B's queue to A's broker: poll until it has arrived.
                await Task.Delay(50);
            }
        }
    }

    private static string Number(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static async Task WaitForAllAsync(IReadOnlyList<GroupReader> readers, int count)
    {
        var deadline = DateTime.UtcNow + LoopbackCluster.Wait;
        while (readers.Sum(reader => reader.Acked.Count) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the group acked {readers.Sum(reader => reader.Acked.Count)} of {count} within {LoopbackCluster.Wait.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
