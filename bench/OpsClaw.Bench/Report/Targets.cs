using System.Text;

namespace OpsClaw.Bench;

/// <summary>One target of issue #6, judged on the medians of a run.</summary>
internal sealed record TargetOutcome(string Rule, string Measured, bool Met, bool Measurable = true)
{
    public string Result => !Measurable ? "not run" : Met ? "met" : "MISSED";
}

/// <summary>The targets for this 2-core machine; ratios are taken against baselines of the same run.</summary>
internal static class Targets
{
    /// <summary>Appends a target / measured / result table of <paramref name="outcomes"/>, as every suite's report ends.</summary>
    public static void AppendTable(StringBuilder text, IEnumerable<TargetOutcome> outcomes)
    {
        var rows = new List<string[]> { new[] { "target", "measured", "result" } };
        rows.AddRange(outcomes.Select(target => new[] { target.Rule, target.Measurable ? target.Measured : "", target.Result }));
        MarkdownTable.Append(text, rows);
    }

    public static IEnumerable<TargetOutcome> Evaluate(Results results)
    {
        yield return RatioAtLeast(results, Scenarios.Throughput.RequestsPerSecond, 0.75, "(16, 32) throughput ≥ 0.75× raw-json");
        yield return RatioAtMost(results, Scenarios.Latency.P50, 1.3, "(1, 1) p50 latency ≤ 1.3× raw-json");
        yield return RatioAtLeast(results, Scenarios.FanOut.RequestsPerSecond, 0.6, "(256, 4) throughput ≥ 0.6× raw-json");

        var rss = Scenarios.HeldRss.Combine(results, ServerSpec.OpsClawName);
        yield return new TargetOutcome("idle connections ≤ 16 KiB RSS each", $"{rss:N2} KiB", rss <= 16, !double.IsNaN(rss));

        var rate = Scenarios.StormRate.Combine(results, ServerSpec.OpsClawName);
        var failures = Scenarios.StormFailures.Combine(results, ServerSpec.OpsClawName);
        yield return new TargetOutcome(
            "connect storm ≥ 5,000 conn/s, zero failures",
            $"{rate:N0} conn/s, {failures:N0} failures",
            rate >= 5000 && failures == 0,
            !double.IsNaN(rate));
    }

    /// <summary>opsclaw's median over raw-json's median for <paramref name="figure"/>; NaN when either is missing.</summary>
    public static double Ratio(Results results, Figure figure, string baseline) =>
        figure.Combine(results, ServerSpec.OpsClawName) / figure.Combine(results, baseline);

    private static TargetOutcome RatioAtLeast(Results results, Figure figure, double floor, string rule)
    {
        var ratio = Ratio(results, figure, ServerSpec.RawJsonName);
        return new TargetOutcome(rule, $"{ratio:N2}×", ratio >= floor, !double.IsNaN(ratio));
    }

    private static TargetOutcome RatioAtMost(Results results, Figure figure, double ceiling, string rule)
    {
        var ratio = Ratio(results, figure, ServerSpec.RawJsonName);
        return new TargetOutcome(rule, $"{ratio:N2}×", ratio <= ceiling, !double.IsNaN(ratio));
    }
}
