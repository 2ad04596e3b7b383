using System.Diagnostics;
using System.Globalization;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Cluster;

/// <summary>
/// docs/deploy/cluster.md's walk-through, through the command line only: the script starts three
/// hosts that form a cluster, a subscriber on node 2 gets what node 1 publishes, and the script
/// stops them all. Any host left running is killed by the pid the script recorded.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterScriptSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();
    private readonly string _ports = string.Join(' ', DistinctFreePorts(3));

    [Fact]
    public async Task The_script_should_start_a_three_node_cluster_that_the_cli_publishes_across_and_stop_it()
    {
        var (startCode, startOut, startErr) = await ScriptAsync("start");
        Assert.True(startCode == 0, $"cluster.sh start failed ({startCode}):\n{startOut}\n{startErr}");
        Assert.EndsWith("3 members up\n", startOut, StringComparison.Ordinal);
        var pids = Pids();
        Assert.Equal(3, pids.Count);

        using var subscriber = HostProcess.Start(_dir.Path, "sub", "orders.>", "--count", "1", "--dir", Sockets(2));

        // The subscription reaches node 1's registry a moment after node 2 acknowledged it.
        var deadline = DateTime.UtcNow + LoopbackCluster.Wait;
        string published;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "node 1 never matched node 2's subscriber");
            await Task.Delay(100);
            var (code, stdout, stderr) = await HostProcess.RunAsync(_dir.Path, "pub", "orders.new", "{\"id\":1}", "--dir", Sockets(1));
            Assert.True(code == 0, stderr);
            published = stdout;
        }
        while (published.Trim() != "matched 1");

        Assert.Equal(0, await subscriber.WaitForExitAsync());
        Assert.Contains("\"topic\":\"orders.new\"", subscriber.Stdout, StringComparison.Ordinal);

        var (stopCode, stopOut, _) = await ScriptAsync("stop");
        Assert.Equal((0, "stopped 3 nodes\n"), (stopCode, stopOut));
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"host {pid} still runs after cluster.sh stop"));
    }

    private static HashSet<int> DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        for (var tries = 0; ports.Count < count && tries < 100; tries++)
        {
            ports.Add(LoopbackCluster.FreePort());
        }

        return ports;
    }

    private string Sockets(int node) => Path.Combine(_dir.Path, $"node-{node}", "sockets");

    private async Task<(int Code, string Stdout, string Stderr)> ScriptAsync(string command)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "docs", "deploy", "cluster.sh"), command, _dir.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PORTS"] = _ports, ["OPSCLAW"] = HostProcess.ExecutablePath },
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private List<int> Pids() =>
        [.. Enumerable.Range(1, 3)
            .Select(node => Path.Combine(_dir.Path, $"node-{node}", "pid"))
            .Where(File.Exists)
            .Select(file => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture))];

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        // The script's stop failed or never ran: every host it started is killed by its pid.
        foreach (var pid in Pids().Where(IsRunning))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }

        _dir.Dispose();
    }
}
