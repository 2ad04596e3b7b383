using System.Globalization;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>What one <c>run</c> does; every figure is taken against baselines started in the same run.</summary>
internal sealed record SuiteOptions(
    string OpsClawExecutable,
    string? BeforeExecutable,
    int Repetitions,
    TimeSpan WarmUp,
    TimeSpan Window,
    int HeldConnections,
    int StormConcurrency,
    IReadOnlyList<string> Servers,
    IReadOnlyList<string> Scenarios);

/// <summary>
/// Runs every selected scenario against every selected server, <see cref="SuiteOptions.Repetitions"/>
/// times. Each repetition starts all servers afresh and runs them turn by turn within each scenario,
/// so the figures a ratio compares are taken seconds apart: on a shared machine, load from other
/// work then falls on both sides of the ratio. The order of servers rotates between repetitions
/// so that none is always first or last.
/// </summary>
internal static class Suite
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    public static async Task<Results> RunAsync(SuiteOptions options, CancellationToken cancel)
    {
        var names = options.BeforeExecutable is null ? options.Servers : [.. options.Servers, ServerSpec.BeforeName];
        var specs = names.Select(name => Spec(name, options)).ToArray();
        var results = new Results();
        for (var repetition = 0; repetition < options.Repetitions; repetition++)
        {
            var order = Enumerable.Range(0, specs.Length).Select(turn => specs[(turn + repetition) % specs.Length]).ToArray();
            await RunRepetitionAsync(order, repetition, options, results, cancel).ConfigureAwait(false);
        }

        return results;
    }

    private static ServerSpec Spec(string name, SuiteOptions options) => name switch
    {
        ServerSpec.OpsClawName => ServerSpec.OpsClaw(options.OpsClawExecutable),
        ServerSpec.RawJsonName => ServerSpec.Baseline(BaselineKind.RawJson),
        ServerSpec.RawFixedName => ServerSpec.Baseline(BaselineKind.RawFixed),
        ServerSpec.BeforeName => ServerSpec.OpsClaw(options.BeforeExecutable!, ServerSpec.BeforeName),
        _ => throw new ArgumentException($"unknown server '{name}'"),
    };

    private static async Task RunRepetitionAsync(ServerSpec[] order, int repetition, SuiteOptions options, Results results, CancellationToken cancel)
    {
        var servers = new List<(ServerProcess Server, int IdleDescriptors)>();
        try
        {
            foreach (var spec in order)
            {
                var server = await ServerProcess.StartAsync(spec).ConfigureAwait(false);
                servers.Add((server, 0));
                servers[^1] = (server, await IdleDescriptorsAsync(server).ConfigureAwait(false));
            }

            foreach (var scenario in Scenarios.Load.Where(scenario => options.Scenarios.Contains(scenario.Id)))
            {
                foreach (var (server, idleDescriptors) in servers)
                {
                    cancel.ThrowIfCancellationRequested();
                    var load = await PipelinedLoad.RunAsync(
                        server.SocketPath, scenario.Connections, scenario.Depth, options.WarmUp, options.Window, server.Probe).ConfigureAwait(false);
                    Record(results, server.Name, scenario, load);
                    Progress(repetition, server.Name, scenario.Title,
                        $"{load.RequestsPerSecond:N0} req/s, p50 {load.P50Us:N1} µs, p99 {load.P99Us:N1} µs, " +
                        $"server {load.ServerCores:N2} cores ({load.ServerCpuUsPerRequest:N2} µs/req), generator {load.GeneratorCores:N2} cores, {load.Errors} errors");
                    await ReleasedAsync(server, idleDescriptors).ConfigureAwait(false);
                }
            }

            if (options.Scenarios.Contains(Scenarios.ConnectionsId))
            {
                foreach (var (server, idleDescriptors) in servers)
                {
                    cancel.ThrowIfCancellationRequested();
                    var scale = await ConnectionScale.RunAsync(
                        server.SocketPath, options.HeldConnections, options.StormConcurrency, server.Probe).ConfigureAwait(false);
                    results.Add(server.Name, Scenarios.StormRate.Key, scale.ConnectsPerSecond);
                    results.Add(server.Name, Scenarios.StormCpu.Key, scale.ServerCpuUsPerConnect);
                    results.Add(server.Name, Scenarios.StormFailures.Key, scale.Failures);
                    results.Add(server.Name, Scenarios.HeldCount.Key, scale.Held);
                    results.Add(server.Name, Scenarios.HeldRss.Key, scale.RssPerConnectionKiB);
                    Progress(repetition, server.Name, "connections",
                        $"{scale.ConnectsPerSecond:N0} conn/s ({scale.ServerCpuUsPerConnect:N1} µs server CPU each), {scale.Failures} failures, {scale.Held:N0} held at {scale.RssPerConnectionKiB:N2} KiB each");
                    await ReleasedAsync(server, idleDescriptors).ConfigureAwait(false);

                    // The first storm also pays for a heap growing to hold every connection and for code
                    // run for the first time; a second one shows what a connect costs once that is done.
                    var repeat = await ConnectionScale.RunAsync(
                        server.SocketPath, options.HeldConnections, options.StormConcurrency, server.Probe).ConfigureAwait(false);
                    results.Add(server.Name, Scenarios.RepeatStormRate.Key, repeat.ConnectsPerSecond);
                    results.Add(server.Name, Scenarios.RepeatStormCpu.Key, repeat.ServerCpuUsPerConnect);
                    results.Add(server.Name, Scenarios.StormFailures.Key, repeat.Failures);
                    Progress(repetition, server.Name, "repeated",
                        $"{repeat.ConnectsPerSecond:N0} conn/s ({repeat.ServerCpuUsPerConnect:N1} µs server CPU each), {repeat.Failures} failures");
                    await ReleasedAsync(server, idleDescriptors).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (var (server, _) in servers)
            {
                var exitCode = await server.StopAsync().ConfigureAwait(false);
                if (exitCode != 0)
                {
                    Console.Error.WriteLine($"bench: {server.Name} exited with {exitCode} after SIGTERM; stderr: {server.StderrTail()}");
                }

                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The server's descriptor count with no client, taken after one client has come and gone, so
    /// descriptors a runtime opens on first use (its socket engine) are already counted.
    /// </summary>
    private static async Task<int> IdleDescriptorsAsync(ServerProcess server)
    {
        using (var probe = await Wire.ConnectAsync(server.SocketPath, CancellationToken.None).ConfigureAwait(false))
        {
            await Wire.SendAllAsync(probe, Wire.PingLine.ToArray(), CancellationToken.None).ConfigureAwait(false);
            var reply = new byte[Wire.PongLine.Length];
            _ = await probe.ReceiveAsync(reply, SocketFlags.None).WaitAsync(ReleaseTimeout).ConfigureAwait(false);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        return server.Probe.OpenDescriptors();
    }

    private static async Task ReleasedAsync(ServerProcess server, int idleDescriptors)
    {
        if (!await server.Probe.WaitForDescriptorsAsync(idleDescriptors, ReleaseTimeout).ConfigureAwait(false))
        {
            Console.Error.WriteLine($"bench: {server.Name} still holds {server.Probe.OpenDescriptors()} descriptors " +
                $"({idleDescriptors} when idle) {ReleaseTimeout.TotalSeconds} s after its clients closed");
        }
    }

    private static void Record(Results results, string server, LoadScenario scenario, LoadResult load)
    {
        results.Add(server, scenario.RequestsPerSecond.Key, load.RequestsPerSecond);
        results.Add(server, scenario.P50.Key, load.P50Us);
        results.Add(server, scenario.P90.Key, load.P90Us);
        results.Add(server, scenario.P99.Key, load.P99Us);
        results.Add(server, scenario.P999.Key, load.P999Us);
        results.Add(server, scenario.ServerCpu.Key, load.ServerCores);
        results.Add(server, scenario.ServerCpuPerRequest.Key, load.ServerCpuUsPerRequest);
        results.Add(server, scenario.GeneratorCpu.Key, load.GeneratorCores);
        results.Add(server, scenario.Errors.Key, load.Errors);
    }

    private static void Progress(int repetition, string server, string scenario, string figures) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: rep {repetition + 1} {server,-14} {scenario,-11} {figures}"));
}
