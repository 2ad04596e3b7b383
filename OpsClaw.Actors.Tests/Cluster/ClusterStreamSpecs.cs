using System.Collections.Concurrent;
using System.Globalization;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Cluster;

/// <summary>
/// Durable streams in a cluster (docs/cluster.md, "Streams in a cluster") on three real hosts sharing a
/// throwaway PostgreSQL server: a stream and its consumers live on one node and serve every node, and
/// when that node is killed they start on another one from the shared journal, losing no acknowledged
/// publish and redelivering no acknowledged message.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStreamSpecs
{
    private const string Durable = "billing";

    /// <summary>How long one publish may wait for its ack while the stream moves, before it is sent again.</summary>
    private static readonly TimeSpan PublishTry = TimeSpan.FromSeconds(5);

    private static string Hocon(PostgresServer server) => $$"""
        opsclaw.broker.storage { provider = postgresql, connection-string = "{{server.ConnectionString}}" }
        opsclaw.broker.streams.orders { subjects = ["orders.>"] }
        """;

    [PostgresFact]
    public Task A_stream_should_keep_serving_from_another_node_when_the_node_hosting_it_is_killed() =>
        StreamShouldMoveAsync(node => node.KillAsync());

    [PostgresFact]
    public Task A_stream_should_be_handed_over_when_the_node_hosting_it_leaves_gracefully() =>
        StreamShouldMoveAsync(node => node.TerminateAsync());

    /// <summary>
    /// Publishes and a durable consumer on the two nodes not hosting the stream; the host taken away by
    /// <paramref name="takeAway"/>; more publishes; the consumer, subscribing again, gets every acknowledged
    /// publish after its acknowledged position and none before it.
    /// </summary>
    private static async Task StreamShouldMoveAsync(Func<ClusterNode, Task> takeAway)
    {
        using var server = await PostgresServer.StartAsync();
        await using var cluster = await LoopbackCluster.StartAsync(3, Hocon(server));
        var acked = new Dictionary<long, string>();

        // The first publish places the stream; control.cluster then says where.
        await using (var first = await IpcClient.ConnectAsync(cluster[1].RuntimeSocket))
        {
            await PublishAsync(first, 1, acked);
        }

        var host = await HostOfAsync(cluster, "orders");
        var survivors = cluster.Nodes.Where(node => node != host).ToArray();
        var (publishing, reading) = (survivors[0], survivors[1]);

        // Publishes and a durable consumer on the two nodes that do not host the stream.
        const int BeforeMove = 200;
        const int AckedBeforeMove = 120;
        await using (var publisher = await IpcClient.ConnectAsync(publishing.RuntimeSocket))
        {
            for (var i = 2; i <= BeforeMove; i++)
            {
                await PublishAsync(publisher, i, acked);
            }
        }

        await using (var reader = await IpcClient.ConnectAsync(reading.RuntimeSocket))
        {
            var subscription = await reader.SubscribeAsync("orders.>", Options(maxPending: 32));
            var seen = await ReadAsync(subscription, AckedBeforeMove);
            Assert.Equal(Enumerable.Range(1, AckedBeforeMove).Select(seq => (long)seq), seen.Keys.Order());
            Assert.All(seen, delivery => Assert.Equal(acked[delivery.Key], delivery.Value));
        }

        await takeAway(host);
        await cluster.WaitForMembersAsync(2, survivors);

        const int AfterMove = 100;
        await using (var publisher = await IpcClient.ConnectAsync(publishing.RuntimeSocket))
        {
            for (var i = BeforeMove + 1; i <= BeforeMove + AfterMove; i++)
            {
                await PublishAsync(publisher, i, acked);
            }
        }

        var movedTo = await HostOfAsync(cluster, "orders", survivors);
        Assert.Contains(movedTo, survivors);

        // The consumer resumes after its acknowledged position: every later acknowledged publish, none before it.
        var expected = acked.Keys.Where(seq => seq > AckedBeforeMove).ToHashSet();
        await using (var reader = await IpcClient.ConnectAsync(reading.RuntimeSocket))
        {
            var subscription = await reader.SubscribeAsync("orders.>", Options(maxPending: 256));
            var seen = await ReadAsync(subscription, expected.Max());
            Assert.DoesNotContain(seen.Keys, seq => seq <= AckedBeforeMove);
            Assert.Superset(expected, seen.Keys.ToHashSet());
            Assert.All(expected, seq => Assert.Equal(acked[seq], seen[seq]));
        }
    }

    [PostgresFact]
    public async Task Publishes_from_every_node_should_get_one_sequence_and_a_consumer_with_members_on_every_node_should_take_each_once()
    {
        using var server = await PostgresServer.StartAsync();
        await using var cluster = await LoopbackCluster.StartAsync(3, Hocon(server));
        var members = new List<(IpcClient Client, IpcSubscription Subscription)>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                var client = await IpcClient.ConnectAsync(node.RuntimeSocket);
                members.Add((client, await client.SubscribeAsync("orders.>", Options(maxPending: 16))));
            }

            const int PerNode = 100;
            var acked = new Dictionary<long, string>();
            var publishers = new List<IpcClient>();
            foreach (var node in cluster.Nodes)
            {
                publishers.Add(await IpcClient.ConnectAsync(node.RuntimeSocket));
            }

            for (var i = 1; i <= PerNode * publishers.Count; i++)
            {
                var body = Body(i);
                var ack = await publishers[i % publishers.Count].PublishWithAckAsync("orders.new", body);
                acked.Add(ack.Seq!.Value, body);
            }

            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }

            // One stream, one writer: the publishes of all three nodes are one gapless sequence.
            Assert.Equal(Enumerable.Range(1, PerNode * 3).Select(seq => (long)seq), acked.Keys.Order());

            var seen = new ConcurrentQueue<(long Seq, string Body)>();
            var taken = new int[members.Count];
            using var done = new CancellationTokenSource(LoopbackCluster.Wait);
            await Task.WhenAll(members.Select((member, index) => Task.Run(async () =>
            {
                try
                {
                    await foreach (var delivery in member.Subscription.Deliveries.WithCancellation(done.Token))
                    {
                        seen.Enqueue((delivery.Seq!.Value, delivery.Body));
                        Interlocked.Increment(ref taken[index]);
                        await delivery.AckAsync(done.Token);
                        if (seen.Count >= acked.Count)
                        {
                            await done.CancelAsync();
                        }
                    }
                }
                catch (OperationCanceledException) when (done.IsCancellationRequested)
                {
                }
            })));

            Assert.Equal(acked.OrderBy(pair => pair.Key).Select(pair => (pair.Key, pair.Value)), seen.OrderBy(delivery => delivery.Seq));
            Assert.All(taken, count => Assert.True(count > 0, "every member, on every node, takes a share"));

            // Every node reports the one stream and its one consumer, wherever they run.
            foreach (var node in cluster.Nodes)
            {
                await using var control = await IpcClient.ConnectAsync(node.ControlSocket);
                var stream = Assert.Single((await control.StreamsAsync()).Streams);
                Assert.Equal(("orders", "ready", 1L, (long)acked.Count, (long)acked.Count), (stream.Name, stream.Status, stream.FirstSeq, stream.LastSeq, stream.Messages));
                var consumer = Assert.Single(stream.Consumers);
                Assert.Equal((Durable, "orders.>", 3), (consumer.Name, consumer.Topic, consumer.Members));
            }
        }
        finally
        {
            foreach (var (client, _) in members)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static SubscribeOptions Options(int maxPending) => new()
    {
        Stream = "orders",
        Durable = Durable,
        Start = StreamStart.All,
        Ack = AckMode.Explicit,
        MaxPending = maxPending,
    };

    /// <summary>Publishes message <paramref name="number"/> until it is acknowledged (the stream may be moving), recording its seq.</summary>
    private static async Task PublishAsync(IpcClient client, int number, Dictionary<long, string> acked)
    {
        var body = Body(number);
        var deadline = DateTime.UtcNow + LoopbackCluster.Wait;
        while (true)
        {
            try
            {
                var ack = await client.PublishWithAckAsync("orders.new", body, timeout: PublishTry);
                Assert.Equal("orders", ack.Stream);
                acked[ack.Seq!.Value] = body;
                return;
            }
            catch (Exception ex) when (ex is IpcRequestException or TimeoutException && DateTime.UtcNow < deadline)
            {
                // Not acknowledged: the stream is moving to another node. Sent again, it may be stored twice; never lost.
            }
        }
    }

    private static string Body(int number) => string.Create(CultureInfo.InvariantCulture, $"{{\"n\":{number}}}");

    /// <summary>Reads deliveries until seq <paramref name="through"/>, acking each; every ack is answered (stored) before this returns.</summary>
    private static async Task<Dictionary<long, string>> ReadAsync(IpcSubscription subscription, long through)
    {
        var seen = new Dictionary<long, string>();
        using var bound = new CancellationTokenSource(LoopbackCluster.Wait);
        await foreach (var delivery in subscription.Deliveries.WithCancellation(bound.Token))
        {
            var seq = delivery.Seq!.Value;
            seen[seq] = delivery.Body;
            await delivery.AckAsync(bound.Token);
            if (seq >= through)
            {
                return seen;
            }
        }

        throw new InvalidOperationException($"the subscription ended after {seen.Count} deliveries, before seq {through}");
    }

    /// <summary>The node hosting <paramref name="stream"/>, as the first of <paramref name="viewers"/> (all nodes by default) reports it.</summary>
    private static async Task<ClusterNode> HostOfAsync(LoopbackCluster cluster, string stream, params ClusterNode[] viewers)
    {
        var viewer = viewers.Length > 0 ? viewers[0] : cluster[0];
        string? address = null;
        await LoopbackCluster.WaitUntilAsync(
            [viewer],
            report =>
            {
                address = report.Members.FirstOrDefault(member => member.Streams.Contains(stream))?.Address;
                return address is not null;
            },
            $"a node hosting stream {stream}");
        return cluster.Nodes.Single(node => node.Address == address);
    }
}
