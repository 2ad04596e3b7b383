using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary>
/// Where a cluster measurement puts its publishers and subscribers among the two nodes: both on
/// node A (same-node), or publishers on A and subscribers on B (cross-node). Both run on the same
/// two-node cluster, so they pay alike for the cluster mode (A keeps B's registry, plans every
/// publish against it) and differ only by the hop between nodes.
/// </summary>
internal sealed record ClusterPlacement(string Name, int PublisherNode, int SubscriberNode)
{
    public const string SameNodeName = "same-node";
    public const string CrossNodeName = "cross-node";

    public static readonly ClusterPlacement SameNode = new(SameNodeName, 0, 0);

    public static readonly ClusterPlacement CrossNode = new(CrossNodeName, 0, 1);

    public static readonly IReadOnlyList<ClusterPlacement> All = [SameNode, CrossNode];

    /// <summary>The names of the nodes the suite starts: A is the seed.</summary>
    public static readonly IReadOnlyList<string> NodeNames = ["node-a", "node-b"];

    /// <summary>
    /// The broker run's placement on <paramref name="cluster"/>: it waits, once subscribed, until the
    /// publishing node's registry shows the subscriber's node holding the scenario's subscriptions
    /// (and no other node any), and keeps how long that took in <paramref name="settledAfter"/>.
    /// Both nodes' CPU counts as the server's.
    /// </summary>
    public BrokerPlacement On(LoopbackCluster cluster, int subscriptions, Action<TimeSpan> settledAfter)
    {
        var publisher = cluster.Nodes[PublisherNode];
        var subscriber = cluster.Nodes[SubscriberNode];
        return new BrokerPlacement(
            publisher.RuntimeSocket,
            subscriber.RuntimeSocket,
            [.. cluster.Nodes.Select(node => node.Process.Probe)],
            async cancel =>
            {
                var started = Stopwatch.GetTimestamp();
                await cluster.WaitForInterestAsync(publisher, subscriber, subscriptions, cancel).ConfigureAwait(false);
                settledAfter(Stopwatch.GetElapsedTime(started));
            });
    }
}
