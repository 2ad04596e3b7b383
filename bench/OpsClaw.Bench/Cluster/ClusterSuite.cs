using System.Globalization;

namespace OpsClaw.Bench;

/// <summary>What one <c>cluster</c> run does.</summary>
internal sealed record ClusterOptions(
    string OpsClawExecutable,
    int Repetitions,
    int InFlight,
    TimeSpan WarmUp,
    TimeSpan Window,
    IReadOnlyList<string> Scenarios,
    string? NodeConfig);

/// <summary>
/// Runs the cluster scenarios on a two-node opsclaw cluster on loopback, <see cref="ClusterOptions.Repetitions"/>
/// times. Each repetition starts a fresh cluster and measures every scenario same-node then
/// cross-node, in an order that rotates between repetitions, so the two figures a ratio compares
/// are taken seconds apart with the same executable on the same shared machine.
/// </summary>
internal static class ClusterSuite
{
    /// <summary>The broker suite's scenarios this one runs: pipelined 1 → 1 throughput and one-in-flight latency.</summary>
    public static readonly IReadOnlyList<BrokerScenario> Scenarios = [BrokerScenarios.OneToOne, BrokerScenarios.Latency];

    public static IEnumerable<string> ScenarioIds => Scenarios.Select(scenario => scenario.Id);

    public static async Task<Results> RunAsync(ClusterOptions options, CancellationToken cancel)
    {
        var results = new Results();
        var scenarios = Scenarios.Where(scenario => options.Scenarios.Contains(scenario.Id)).ToArray();
        for (var repetition = 0; repetition < options.Repetitions; repetition++)
        {
            var order = Enumerable.Range(0, ClusterPlacement.All.Count)
                .Select(turn => ClusterPlacement.All[(turn + repetition) % ClusterPlacement.All.Count])
                .ToArray();
            await RunRepetitionAsync(order, scenarios, repetition, options, results, cancel).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// How long after subscribing the publishing node's registry showed exactly this run's subscriptions
    /// (the new one there, the previous run's gone): the registry's propagation, as the bench waits for it.
    /// </summary>
    public static Figure RegistrySettled(BrokerScenario scenario) => new(scenario.Title, "A's registry settled (ms)", FigureKind.Info, "N0");

    /// <summary>Every row the table shows for <paramref name="scenario"/>.</summary>
    public static IEnumerable<Figure> Figures(BrokerScenario scenario) => scenario.Figures.Append(RegistrySettled(scenario));

    private static async Task RunRepetitionAsync(
        ClusterPlacement[] order, BrokerScenario[] scenarios, int repetition, ClusterOptions options, Results results, CancellationToken cancel)
    {
        var dialect = BrokerDialect.Of(ServerSpec.OpsClawName);
        var cluster = await LoopbackCluster.StartAsync(options.OpsClawExecutable, ClusterPlacement.NodeNames, options.NodeConfig, cancel).ConfigureAwait(false);
        try
        {
            Console.Error.WriteLine($"bench: rep {repetition + 1} cluster up: " + string.Join(", ", cluster.Nodes.Select(node => $"{node.Name} {node.Address} (pid {node.Process.Pid})")));
            await WarmUpAsync(cluster, dialect, order, repetition, options, cancel).ConfigureAwait(false);
            foreach (var scenario in scenarios)
            {
                foreach (var placement in order)
                {
                    cancel.ThrowIfCancellationRequested();
                    var settledAfter = TimeSpan.Zero;
                    var result = await BrokerRun.RunAsync(
                        dialect,
                        placement.On(cluster, scenario.Subscribers, elapsed => settledAfter = elapsed),
                        scenario,
                        options.InFlight,
                        options.WarmUp,
                        options.Window).ConfigureAwait(false);
                    BrokerSuite.Record(results, placement.Name, scenario, result);
                    results.Add(placement.Name, RegistrySettled(scenario).Key, settledAfter.TotalMilliseconds);
                    Progress(repetition, placement.Name, scenario.Title, string.Create(CultureInfo.InvariantCulture,
                        $"{result.DeliveredPerSecond:N0} msgs/s, p50 {result.P50Us:N1} µs, p99 {result.P99Us:N1} µs, " +
                        $"nodes {result.ServerCores:N2} cores ({result.ServerCpuUsPerMessage:N2} µs/msg), generator {result.GeneratorCores:N2} cores, " +
                        $"{result.Published:N0} published, {result.Lost:N0} lost, {result.Errors:N0} errors, A's registry settled after {settledAfter.TotalMilliseconds:N0} ms") +
                        (result.Notes.Length > 0 ? " (" + result.Notes + ")" : ""));
                }
            }
        }
        finally
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fresh nodes are slow for their first seconds of traffic, on both paths (local delivery, and
    /// remoting with its serializer), most likely because hot methods start unoptimized and are
    /// compiled again once they have run a while. Unmeasured traffic over each placement first keeps
    /// that out of whichever measurement would come first; without it the first figure of a
    /// repetition came out two to three times slower than the same one measured later.
    /// </summary>
    private static async Task WarmUpAsync(
        LoopbackCluster cluster, BrokerDialect dialect, ClusterPlacement[] order, int repetition, ClusterOptions options, CancellationToken cancel)
    {
        // As long as a scenario's warm-up and window together, so each path has run that long before anything counts.
        var scenario = BrokerScenarios.OneToOne;
        foreach (var placement in order)
        {
            cancel.ThrowIfCancellationRequested();
            var result = await BrokerRun.RunAsync(
                dialect, placement.On(cluster, scenario.Subscribers, _ => { }), scenario, options.InFlight, options.WarmUp, options.Window).ConfigureAwait(false);
            Progress(repetition, placement.Name, "warm-up", string.Create(CultureInfo.InvariantCulture, $"{result.DeliveredPerSecond:N0} msgs/s, not counted"));
        }
    }

    private static void Progress(int repetition, string placement, string scenario, string figures) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: rep {repetition + 1} {placement,-10} {scenario,-21} {figures}"));
}
