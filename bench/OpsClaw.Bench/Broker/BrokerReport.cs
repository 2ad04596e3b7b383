using System.Globalization;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>Renders a broker run: the three servers side by side with opsclaw's ratios to each, the targets of issue #13, and notes.</summary>
internal static class BrokerReport
{
    /// <summary>Below this ratio to either broker, the issue calls a figure a defect to profile and explain.</summary>
    public const double DefectRatio = 0.3;

    private static readonly string[] Baselines = [BrokerServers.NatsName, BrokerServers.RedisName];

    public static string Render(BrokerRunResults run, BrokerOptions options, TimeSpan runTime)
    {
        var results = run.Results;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsClaw broker bench: {Environment.ProcessorCount} cores, {options.Repetitions} repetitions (median shown), " +
            $"{options.WarmUp.TotalSeconds:0.#} s warm-up + {options.Window.TotalSeconds:0.#} s window per scenario, " +
            $"{BenchBody.Length}-byte bodies, {options.InFlight:N0} in flight per subscriber or group, measured in {runTime.TotalSeconds:0} s");
        text.AppendLine();

        var rows = new List<string[]>
        {
            new[] { "scenario", "figure" }.Concat(BrokerSuite.AllServers).Concat(Baselines.Select(baseline => "opsclaw / " + baseline)).ToArray(),
        };
        foreach (var scenario in BrokerScenarios.All.Where(scenario => options.Scenarios.Contains(scenario.Id)))
        {
            foreach (var figure in scenario.Figures)
            {
                var cells = new List<string> { figure.Scenario, figure.Measure };
                cells.AddRange(BrokerSuite.AllServers.Select(server => Cell(results, run.Servers, scenario, figure, server)));
                cells.AddRange(Baselines.Select(baseline => RatioCell(results, figure, baseline)));
                rows.Add([.. cells]);
            }
        }

        MarkdownTable.Append(text, rows);
        text.AppendLine();

        Targets.AppendTable(text, Evaluate(results));
        text.AppendLine();

        text.AppendLine("Group: opsclaw's members subscribe with explicit acks and ack up_to in batches; NATS core's queue group has no acks");
        text.AppendLine("(at most once), so its row is a comparison of distribution, not of guarantees; Redis pub/sub has no queue groups (n/a).");
        text.AppendLine("Lost: published and never delivered (a gap in a publisher's sequence, or missing after a 3 s drain). opsclaw drops at");
        text.AppendLine("max_pending unwritten deliveries per subscription; Redis and NATS disconnect a subscriber past their output buffer limits.");
        foreach (var note in run.Notes)
        {
            text.AppendLine(note);
        }

        return text.ToString();
    }

    /// <summary>The targets, judged on the medians of the run; a ratio below <see cref="DefectRatio"/> is marked as a defect.</summary>
    public static IEnumerable<TargetOutcome> Evaluate(Results results)
    {
        foreach (var scenario in new[] { BrokerScenarios.FanOut, BrokerScenarios.FanIn })
        {
            foreach (var baseline in Baselines)
            {
                var ratio = Targets.Ratio(results, scenario.Delivered, baseline);
                yield return new TargetOutcome(
                    $"{scenario.Title} msgs/s ≥ 0.5× {baseline}",
                    string.Create(CultureInfo.InvariantCulture, $"{ratio:N2}×") + (ratio < DefectRatio ? " (below 0.3×: a defect)" : ""),
                    ratio >= 0.5,
                    double.IsFinite(ratio));
            }
        }

        foreach (var baseline in Baselines)
        {
            var ratio = Targets.Ratio(results, BrokerScenarios.Latency.P50, baseline);
            yield return new TargetOutcome(
                $"1 → 1 p50 latency ≤ 2× {baseline}",
                string.Create(CultureInfo.InvariantCulture, $"{ratio:N2}×"),
                ratio <= 2,
                double.IsFinite(ratio));
        }

        var group = BrokerScenarios.Group.Delivered.Combine(results, ServerSpec.OpsClawName);
        yield return new TargetOutcome(
            "explicit-ack group ≥ 100,000 msgs/s",
            string.Create(CultureInfo.InvariantCulture, $"{group:N0} msgs/s"),
            group >= 100_000,
            double.IsFinite(group));
    }

    private static string Cell(Results results, IReadOnlyList<string> servers, BrokerScenario scenario, Figure figure, string server)
    {
        if (servers.Contains(server) && !scenario.RunsOn(BrokerDialect.Of(server)))
        {
            return "n/a";
        }

        var samples = results.Of(server, figure.Key).Count;
        var value = figure.Combine(results, server);
        return samples == 0 || double.IsNaN(value) ? "" : value.ToString(figure.Format, CultureInfo.InvariantCulture);
    }

    private static string RatioCell(Results results, Figure figure, string baseline)
    {
        if (figure.Kind is FigureKind.Info or FigureKind.Count)
        {
            return "";
        }

        var ratio = Targets.Ratio(results, figure, baseline);
        return double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "";
    }
}
