using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// opsclaw hosts forming one cluster on 127.0.0.1, each on a port that was free a moment before,
/// the first one the seed. Nothing tells the bench when the cluster has formed or when a node has
/// learnt of another's subscription, so both waits poll <c>control.cluster</c>, bounded in time.
/// Disposing stops every node it started by pid, whatever happened before.
/// </summary>
internal sealed class LoopbackCluster : IAsyncDisposable
{
    /// <summary>Longest wait for the cluster to form, or for a node to see a subscription; the specs see both in well under a second.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(45);

    /// <summary>The registry shows a subscription 100–300 ms after it was made; polling this often adds little to the wait.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>A port taken between being found free and being bound fails a start; another set of ports is tried this many times in all.</summary>
    private const int StartAttempts = 2;

    private readonly List<ClusterNode> _nodes = [];

    private LoopbackCluster()
    {
    }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Starts one node per name, each with <paramref name="config"/> when given, and returns once every node sees all of them up and reachable.</summary>
    public static async Task<LoopbackCluster> StartAsync(string executable, IReadOnlyList<string> names, string? config, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            var cluster = new LoopbackCluster();
            try
            {
                await cluster.StartNodesAsync(executable, names, config, cancel).ConfigureAwait(false);
                return cluster;
            }
            catch (InvalidOperationException failure) when (attempt < StartAttempts && !cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"bench: the cluster did not start ({failure.Message}); trying again on other ports");
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task StartNodesAsync(string executable, IReadOnlyList<string> names, string? config, CancellationToken cancel)
    {
        var ports = FreePorts(names.Count);
        for (var index = 0; index < names.Count; index++)
        {
            cancel.ThrowIfCancellationRequested();
            var process = await ServerProcess.StartAsync(ClusterNode.Spec(executable, names[index], ports[index], ports[0], config)).ConfigureAwait(false);
            _nodes.Add(new ClusterNode(names[index], process, ports[index]));
        }

        foreach (var node in _nodes)
        {
            var view = await WaitForAsync(node, view => view.AllUp(names.Count), $"{names.Count} members up", cancel).ConfigureAwait(false);
            node.Address = view.Self;
        }
    }

    /// <summary>
    /// Waits until <paramref name="viewer"/>'s registry shows <paramref name="subscriber"/> holding
    /// exactly <paramref name="subscriptions"/> subscriptions and every other member none: the
    /// subscriptions of an earlier run are gone everywhere, and this run's can be published to.
    /// </summary>
    public Task WaitForInterestAsync(ClusterNode viewer, ClusterNode subscriber, int subscriptions, CancellationToken cancel) =>
        WaitForAsync(
            viewer,
            view => _nodes.All(node => view.SubscriptionsOf(node.Address) == (node == subscriber ? subscriptions : 0)),
            $"{subscriber.Name} with {subscriptions} subscriptions and no other node with any",
            cancel);

    private static async Task<ClusterView> WaitForAsync(ClusterNode viewer, Func<ClusterView, bool> done, string what, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();

        // Bounded by WaitLimit.
        while (true)
        {
            var view = await viewer.ViewAsync(cancel).ConfigureAwait(false);
            if (done(view))
            {
                return view;
            }

            if (Stopwatch.GetElapsedTime(started) > WaitLimit)
            {
                throw new TimeoutException($"{viewer.Name} did not see {what} within {WaitLimit.TotalSeconds} s; {view}; its stderr: {viewer.Process.StderrTail()}");
            }

            await Task.Delay(Poll, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Distinct TCP ports on 127.0.0.1 that were free a moment ago: every listener is open at once, so no two are the same.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    /// <summary>Stops every node by pid, all at once: each leaves the cluster, which need not wait for the others.</summary>
    public async ValueTask DisposeAsync()
    {
        var stops = _nodes.Select(async node =>
        {
            var exitCode = await node.Process.StopAsync().ConfigureAwait(false);
            if (exitCode != 0)
            {
                Console.Error.WriteLine($"bench: {node.Name} exited with {exitCode} after its stop signal; stderr: {node.Process.StderrTail()}");
            }

            await node.Process.DisposeAsync().ConfigureAwait(false);
        });
        await Task.WhenAll(stops).ConfigureAwait(false);
        _nodes.Clear();
    }
}
