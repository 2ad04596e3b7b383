using System.Net;
using System.Net.Sockets;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Real opsclaw hosts forming one cluster on 127.0.0.1, each on a free port, the first one the seed.
/// There is no event to await across processes, so the waits poll <c>control.cluster</c> every 100 ms,
/// bounded by <see cref="Wait"/>.
/// </summary>
public sealed class LoopbackCluster : IAsyncDisposable
{
    /// <summary>How long any wait for the cluster may take before the spec fails.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    private readonly List<ClusterNode> _nodes = [];
    private readonly int _seedPort;
    private readonly string _extraHocon;

    private LoopbackCluster(int seedPort, string extraHocon)
    {
        _seedPort = seedPort;
        _extraHocon = extraHocon;
    }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public ClusterNode this[int index] => _nodes[index];

    /// <summary>Starts <paramref name="count"/> nodes, each with <paramref name="extraHocon"/> in its config, and waits until every one sees all of them up.</summary>
    public static async Task<LoopbackCluster> StartAsync(int count, string extraHocon = "")
    {
        var cluster = new LoopbackCluster(FreePort(), extraHocon);
        try
        {
            for (var i = 0; i < count; i++)
            {
                await cluster.AddNodeAsync(waitUntilUp: false);
            }

            await cluster.WaitForMembersAsync(count);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more node, joining through the seed; waits until every node sees it up when asked.</summary>
    public async Task<ClusterNode> AddNodeAsync(bool waitUntilUp = true)
    {
        var node = new ClusterNode(_nodes.Count == 0 ? _seedPort : FreePort(), _seedPort, _extraHocon);
        _nodes.Add(node);
        await node.StartAsync();
        if (waitUntilUp)
        {
            await WaitForMembersAsync(_nodes.Count);
        }

        return node;
    }

    /// <summary>Waits until every running node in <paramref name="viewers"/> (all by default) sees exactly <paramref name="count"/> members, all up and reachable.</summary>
    public Task WaitForMembersAsync(int count, params ClusterNode[] viewers) =>
        WaitUntilAsync(
            viewers.Length > 0 ? viewers : [.. _nodes],
            report => report.Members.Count == count && report.Members.All(member => member.Status == "up" && member.Reachable),
            $"{count} members up");

    /// <summary>Waits until <paramref name="viewer"/> sees <paramref name="node"/> holding <paramref name="subscriptions"/> subscriptions (the replicated registry caught up).</summary>
    public static Task WaitForInterestAsync(ClusterNode viewer, ClusterNode node, int subscriptions) =>
        WaitUntilAsync(
            [viewer],
            report => report.Members.Any(member => member.Address == node.Address && member.Subscriptions == subscriptions),
            $"{node.Address} with {subscriptions} subscriptions");

    /// <summary>Waits until each of <paramref name="viewers"/> satisfies <paramref name="done"/>.</summary>
    public static async Task WaitUntilAsync(IEnumerable<ClusterNode> viewers, Func<ClusterReport, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        foreach (var viewer in viewers)
        {
            while (true)
            {
                var report = await viewer.ReportAsync();
                if (done(report))
                {
                    break;
                }

                Assert.True(
                    DateTime.UtcNow < deadline,
                    $"{viewer.Address} did not see {what} within {Wait.TotalSeconds} s; it sees: "
                    + string.Join(", ", report.Members.Select(member => $"{member.Address} {member.Status} reachable={member.Reachable} subscriptions={member.Subscriptions}"))
                    + $"\nits stderr:\n{viewer.Stderr}");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
