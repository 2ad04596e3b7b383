using System.Globalization;

namespace OpsClaw.Bench;

/// <summary>What one <c>broker</c> run does.</summary>
internal sealed record BrokerOptions(
    string OpsClawExecutable,
    int Repetitions,
    int InFlight,
    TimeSpan WarmUp,
    TimeSpan Window,
    IReadOnlyList<string> Servers,
    IReadOnlyList<string> Scenarios);

/// <summary>Every figure of a broker run, and why a server or scenario did not run.</summary>
internal sealed record BrokerRunResults(Results Results, IReadOnlyList<string> Servers, IReadOnlyList<string> Notes);

/// <summary>
/// Runs every selected broker scenario against opsclaw, NATS core and Redis pub/sub,
/// <see cref="BrokerOptions.Repetitions"/> times. As in <see cref="Suite"/>, each repetition starts
/// every server afresh and runs them turn by turn within each scenario, in an order that rotates,
/// so a ratio compares figures taken seconds apart on the same shared machine.
/// </summary>
internal static class BrokerSuite
{
    public static readonly string[] AllServers = [ServerSpec.OpsClawName, BrokerServers.NatsName, BrokerServers.RedisName];

    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(3);

    public static async Task<BrokerRunResults> RunAsync(BrokerOptions options, CancellationToken cancel)
    {
        var notes = new List<string>();
        var specs = new List<ServerSpec>();
        foreach (var name in AllServers.Where(options.Servers.Contains))
        {
            if (Spec(name, options, out var why) is { } spec)
            {
                specs.Add(spec);
            }
            else
            {
                Note(notes, $"skipped: {name}: {why}");
            }
        }

        var results = new Results();
        var refused = new HashSet<string>();
        var scenarios = BrokerScenarios.All.Where(scenario => options.Scenarios.Contains(scenario.Id)).ToArray();
        for (var repetition = 0; repetition < options.Repetitions && specs.Count > refused.Count; repetition++)
        {
            var order = Enumerable.Range(0, specs.Count).Select(turn => specs[(turn + repetition) % specs.Count])
                .Where(spec => !refused.Contains(spec.Name)).ToArray();
            await RunRepetitionAsync(order, scenarios, repetition, options, results, refused, notes, cancel).ConfigureAwait(false);
        }

        return new BrokerRunResults(results, [.. specs.Select(spec => spec.Name)], notes);
    }

    private static ServerSpec? Spec(string name, BrokerOptions options, out string why)
    {
        why = "";
        switch (name)
        {
            case ServerSpec.OpsClawName when File.Exists(options.OpsClawExecutable):
                return ServerSpec.OpsClaw(options.OpsClawExecutable);
            case ServerSpec.OpsClawName:
                why = $"{options.OpsClawExecutable} does not exist";
                return null;
            case BrokerServers.RedisName when BrokerServers.Locate("redis-server") is { } redis:
                return BrokerServers.Redis(redis);
            case BrokerServers.RedisName:
                why = "redis-server not available (not on PATH nor in /usr/sbin or /usr/bin; bench/run.sh installs the Debian package redis-server)";
                return null;
            case BrokerServers.NatsName when BrokerServers.Locate("nats-server") is { } nats:
                return BrokerServers.Nats(nats);
            default:
                why = "nats-server not available (not on PATH nor in /usr/sbin or /usr/bin; bench/run.sh installs the Debian package nats-server)";
                return null;
        }
    }

    private static async Task RunRepetitionAsync(
        ServerSpec[] order,
        BrokerScenario[] scenarios,
        int repetition,
        BrokerOptions options,
        Results results,
        HashSet<string> refused,
        List<string> notes,
        CancellationToken cancel)
    {
        var servers = new List<(ServerProcess Server, BrokerDialect Dialect, int IdleDescriptors)>();
        try
        {
            foreach (var spec in order)
            {
                var server = await ServerProcess.StartAsync(spec).ConfigureAwait(false);
                var dialect = BrokerDialect.Of(spec.Name);
                servers.Add((server, dialect, 0));
                servers[^1] = (server, dialect, await IdleDescriptorsAsync(server).ConfigureAwait(false));
            }

            foreach (var scenario in scenarios)
            {
                for (var turn = 0; turn < servers.Count; turn++)
                {
                    var (server, dialect, idleDescriptors) = servers[turn];
                    cancel.ThrowIfCancellationRequested();
                    if (!scenario.RunsOn(dialect) || refused.Contains(server.Name))
                    {
                        continue;
                    }

                    BrokerResult result;
                    try
                    {
                        result = await BrokerRun.RunAsync(dialect, server.SocketPath, scenario, options.InFlight, options.WarmUp, options.Window, server.Probe).ConfigureAwait(false);
                    }
                    catch (BrokerRefusedException refusal)
                    {
                        // A server that will not open a subscription serves none of the scenarios: say so once and go on without it.
                        refused.Add(server.Name);
                        Note(notes, $"skipped: {server.Name}: it does not serve the broker in this build ({refusal.Message})");
                        continue;
                    }

                    Record(results, server.Name, scenario, result);
                    Progress(repetition, server.Name, scenario.Title, string.Create(CultureInfo.InvariantCulture,
                        $"{result.DeliveredPerSecond:N0} msgs/s, p50 {result.P50Us:N1} µs, p99 {result.P99Us:N1} µs, " +
                        $"server {result.ServerCores:N2} cores ({result.ServerCpuUsPerMessage:N2} µs/msg), generator {result.GeneratorCores:N2} cores, " +
                        $"{result.Published:N0} published, {result.Lost:N0} lost, {result.Errors:N0} errors") +
                        (result.Notes.Length > 0 ? " (" + result.Notes + ")" : ""));
                    servers[turn] = (server, dialect, await ReleasedAsync(server, idleDescriptors).ConfigureAwait(false));
                }
            }
        }
        finally
        {
            foreach (var (server, _, _) in servers)
            {
                var exitCode = await server.StopAsync().ConfigureAwait(false);
                if (exitCode != 0)
                {
                    Console.Error.WriteLine($"bench: {server.Name} exited with {exitCode} after its stop signal; stderr: {server.StderrTail()}");
                }

                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The server's descriptor count with no client, taken after one client has come and gone, so
    /// descriptors a runtime opens on first use (opsclaw's socket engine) are already counted.
    /// </summary>
    private static async Task<int> IdleDescriptorsAsync(ServerProcess server)
    {
        using (await BrokerDialect.ConnectAsync(server.SocketPath, CancellationToken.None).ConfigureAwait(false))
        {
        }

        await Task.Delay(TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        return server.Probe.OpenDescriptors();
    }

    /// <summary>
    /// Waits until the server is back to its idle descriptors, so the next scenario starts from the same
    /// state. A runtime may keep a few more after its first real load (opsclaw keeps 4); if the count
    /// is still higher after the timeout, that count is the idle one from then on. Returns it.
    /// </summary>
    private static async Task<int> ReleasedAsync(ServerProcess server, int idleDescriptors)
    {
        if (await server.Probe.WaitForDescriptorsAsync(idleDescriptors, ReleaseTimeout).ConfigureAwait(false))
        {
            return idleDescriptors;
        }

        var now = server.Probe.OpenDescriptors();
        Console.Error.WriteLine($"bench: {server.Name} holds {now} descriptors ({idleDescriptors} before) " +
            $"{ReleaseTimeout.TotalSeconds} s after its clients closed; {now} counts as idle from now on");
        return now;
    }

    /// <summary>Keeps every figure of one result under <paramref name="server"/> (or a cluster placement's name).</summary>
    internal static void Record(Results results, string server, BrokerScenario scenario, BrokerResult result)
    {
        results.Add(server, scenario.Delivered.Key, result.DeliveredPerSecond);
        results.Add(server, scenario.P50.Key, result.P50Us);
        results.Add(server, scenario.P99.Key, result.P99Us);
        results.Add(server, scenario.ServerCpuPerMessage.Key, result.ServerCpuUsPerMessage);
        results.Add(server, scenario.ServerCpu.Key, result.ServerCores);
        results.Add(server, scenario.GeneratorCpu.Key, result.GeneratorCores);
        results.Add(server, scenario.Lost.Key, result.Lost);
        results.Add(server, scenario.Errors.Key, result.Errors);
    }

    private static void Note(List<string> notes, string note)
    {
        notes.Add(note);
        Console.Error.WriteLine("bench: " + note);
    }

    private static void Progress(int repetition, string server, string scenario, string figures) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: rep {repetition + 1} {server,-8} {scenario,-21} {figures}"));
}
