using System.Globalization;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>Renders a run as Markdown tables: every figure per server with the opsclaw ratios, then the targets.</summary>
internal static class ReportTable
{
    private static readonly string[] BaseServers = [ServerSpec.OpsClawName, ServerSpec.RawJsonName, ServerSpec.RawFixedName];

    public static string Render(Results results, SuiteOptions options, TimeSpan runTime)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsClaw bench: {Environment.ProcessorCount} cores, {options.Repetitions} repetitions (median shown), " +
            $"{options.WarmUp.TotalSeconds:0.#} s warm-up + {options.Window.TotalSeconds:0.#} s window per load scenario, " +
            $"{options.HeldConnections:N0} connections held, measured in {runTime.TotalSeconds:0} s");
        text.AppendLine();

        var withBefore = options.BeforeExecutable is not null;
        string[] servers = withBefore ? [.. BaseServers, ServerSpec.BeforeName] : BaseServers;
        string[] ratios = withBefore ? ["opsclaw / raw-json", "opsclaw / raw-fixed", "opsclaw / opsclaw-before"] : ["opsclaw / raw-json", "opsclaw / raw-fixed"];
        var rows = new List<string[]>
        {
            new[] { "scenario", "figure" }.Concat(servers).Concat(ratios).ToArray(),
        };
        foreach (var figure in Scenarios.AllFigures.Where(figure => servers.Any(server => results.Of(server, figure.Key).Count > 0)))
        {
            var cells = new List<string> { figure.Scenario, figure.Measure };
            cells.AddRange(servers.Select(server => Format(figure.Combine(results, server), figure.Format, results.Of(server, figure.Key).Count)));
            cells.Add(RatioCell(results, figure, ServerSpec.RawJsonName));
            cells.Add(RatioCell(results, figure, ServerSpec.RawFixedName));
            if (withBefore)
            {
                cells.Add(RatioCell(results, figure, ServerSpec.BeforeName));
            }

            rows.Add([.. cells]);
        }

        MarkdownTable.Append(text, rows);
        text.AppendLine();

        Targets.AppendTable(text, Targets.Evaluate(results));
        return text.ToString();
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

    private static string Format(double value, string format, int samples) =>
        samples == 0 || double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);
}
