using System.Globalization;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// Renders a cluster run: same-node and cross-node side by side with cross-node's ratio to
/// same-node (its baseline, measured in the same run) and, for costs, the difference, then the targets of issue #15.
/// </summary>
internal static class ClusterBenchReport
{
    /// <summary>Cross-node throughput may fall to this share of same-node's.</summary>
    public const double ThroughputFloor = 0.5;

    /// <summary>What the hop between nodes may add to the one-in-flight p50, in µs.</summary>
    public const double P50OverheadCeilingUs = 300;

    private const string Same = ClusterPlacement.SameNodeName;
    private const string Cross = ClusterPlacement.CrossNodeName;

    /// <param name="results">Every figure of the run.</param>
    /// <param name="options">What the run did.</param>
    /// <param name="runTime">How long it took.</param>
    /// <param name="load">The machine's 1-minute load average before and after: the run shares the machine, and this says how much.</param>
    public static string Render(Results results, ClusterOptions options, TimeSpan runTime, (double Before, double After) load)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsClaw cluster bench: {Environment.ProcessorCount} cores, 2 nodes on loopback, {options.Repetitions} repetitions (median shown), " +
            $"{options.WarmUp.TotalSeconds:0.#} s warm-up + {options.Window.TotalSeconds:0.#} s window per scenario, " +
            $"{BenchBody.Length}-byte bodies, {options.InFlight:N0} in flight (1 → 1), measured in {runTime.TotalSeconds:0} s, " +
            $"load average {load.Before:0.0} before and {load.After:0.0} after (own nodes and generator included)");
        text.AppendLine();

        var rows = new List<string[]> { new[] { "scenario", "figure", Same, Cross, "cross / same", "cross − same" } };
        foreach (var scenario in ClusterSuite.Scenarios.Where(scenario => options.Scenarios.Contains(scenario.Id)))
        {
            foreach (var figure in ClusterSuite.Figures(scenario))
            {
                rows.Add([figure.Scenario, figure.Measure, Cell(results, figure, Same), Cell(results, figure, Cross), RatioCell(results, figure), DifferenceCell(results, figure)]);
            }
        }

        MarkdownTable.Append(text, rows);
        text.AppendLine();

        Targets.AppendTable(text, Evaluate(results));
        text.AppendLine();

        text.AppendLine("same-node: publisher and subscriber on node A; cross-node: publisher on A, subscriber on B; both on the same");
        text.AppendLine("2-node cluster, alternating within each repetition, each repetition on a fresh cluster first warmed up by");
        text.AppendLine("unmeasured 1 → 1 traffic both ways. Server CPU counts both nodes. Each run waits until A's control.cluster");
        text.AppendLine("shows its subscription on its node and none elsewhere (\"A's registry settled\": the previous run's must be gone");
        text.AppendLine("too) before the first publish.");
        if (options.NodeConfig is { } config)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Both nodes ran with --config {config}.");
        }

        return text.ToString();
    }

    /// <summary>The targets, judged on the medians of the run.</summary>
    public static IEnumerable<TargetOutcome> Evaluate(Results results)
    {
        var throughput = Ratio(results, BrokerScenarios.OneToOne.Delivered);
        yield return new TargetOutcome(
            string.Create(CultureInfo.InvariantCulture, $"{BrokerScenarios.OneToOne.Title} msgs/s: cross-node ≥ {ThroughputFloor:0.0}× same-node"),
            string.Create(CultureInfo.InvariantCulture, $"{throughput:N2}×"),
            throughput >= ThroughputFloor,
            double.IsFinite(throughput));

        var overhead = Difference(results, BrokerScenarios.Latency.P50);
        yield return new TargetOutcome(
            string.Create(CultureInfo.InvariantCulture, $"{BrokerScenarios.Latency.Title} p50: cross-node − same-node ≤ {P50OverheadCeilingUs:N0} µs"),
            string.Create(CultureInfo.InvariantCulture, $"{overhead:N1} µs"),
            overhead <= P50OverheadCeilingUs,
            double.IsFinite(overhead));
    }

    private static double Ratio(Results results, Figure figure) => figure.Combine(results, Cross) / figure.Combine(results, Same);

    private static double Difference(Results results, Figure figure) => figure.Combine(results, Cross) - figure.Combine(results, Same);

    private static string Cell(Results results, Figure figure, string placement)
    {
        var value = figure.Combine(results, placement);
        return results.Of(placement, figure.Key).Count == 0 || double.IsNaN(value) ? "" : value.ToString(figure.Format, CultureInfo.InvariantCulture);
    }

    private static string RatioCell(Results results, Figure figure)
    {
        if (figure.Kind is FigureKind.Info or FigureKind.Count)
        {
            return "";
        }

        var ratio = Ratio(results, figure);
        return double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "";
    }

    /// <summary>For costs (latency, CPU per message) the difference says what the hop adds, in the figure's own unit.</summary>
    private static string DifferenceCell(Results results, Figure figure)
    {
        if (figure.Kind != FigureKind.Cost)
        {
            return "";
        }

        var difference = Difference(results, figure);
        return double.IsFinite(difference) ? difference.ToString("+#,0.0;−#,0.0;0.0", CultureInfo.InvariantCulture) : "";
    }
}
