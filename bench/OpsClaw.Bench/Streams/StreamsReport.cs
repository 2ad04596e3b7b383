using System.Globalization;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>Renders a streams run: the three servers side by side with each opsclaw's ratio to JetStream, the targets of issue #14, and notes.</summary>
internal static class StreamsReport
{
    private static readonly string[] OpsClawServers = [StreamServers.SqliteName, StreamServers.PostgresName];

    public static string Render(StreamsRunResults run, StreamsOptions options, TimeSpan runTime)
    {
        var results = run.Results;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsClaw streams bench: {Environment.ProcessorCount} cores, {options.Repetitions} repetitions of (a) and (b) (median shown), " +
            $"(a) {PublishRun.Publishers} publishers × {PublishRun.Depth} in flight, after one unrecorded {options.FirstWarmUp.TotalSeconds:0.#} s pass each: {options.WarmUp.TotalSeconds:0.#} s warm-up + {options.Window.TotalSeconds:0.#} s window, {BenchBody.Length}-byte bodies; " +
            $"(b) the first {options.ReadCount:N0} messages, max_pending {StreamProtocol.MaxPending}; (c) {options.RestartCount:N0} messages stored; measured in {runTime.TotalSeconds:0} s");
        text.AppendLine();

        var rows = new List<string[]>
        {
            new[] { "scenario", "figure" }.Concat(StreamServers.All).Concat(OpsClawServers.Select(server => Short(server) + " / jetstream")).ToArray(),
        };
        foreach (var figure in StreamFigures.All)
        {
            var cells = new List<string> { figure.Scenario, figure.Measure };
            cells.AddRange(StreamServers.All.Select(server => Cell(results, figure, server)));
            cells.AddRange(OpsClawServers.Select(server => RatioCell(results, figure, server)));
            rows.Add([.. cells]);
        }

        MarkdownTable.Append(text, rows);
        text.AppendLine();

        Targets.AppendTable(text, Evaluate(results));
        text.AppendLine();

        text.AppendLine("Durability of an answered publish: opsclaw-sqlite writes with WAL and synchronous FULL (fsync per journal write, batched);");
        text.AppendLine($"opsclaw-postgresql on {run.PostgresVersion ?? "PostgreSQL"} with its defaults (fsync on, synchronous_commit on); JetStream 2.9 file storage");
        text.AppendLine("answers once written to the OS (no fsync per write; it syncs its blocks later), so its ack does not wait for a disk sync.");
        text.AppendLine("Read: opsclaw's durable consumer acks up_to; JetStream's durable push consumer has ack policy all, max_ack_pending as opsclaw's");
        text.AppendLine("max_pending; both ack their latest delivery once 64 are unacked or nothing more is waiting to be read.");
        text.AppendLine("Restart: SIGKILL, then the same command on the same data; ready = new process started → first publish answered as stored.");
        text.AppendLine("The restart holds what (a) and (b) stored, filled up to the restart count; JetStream's faster (a) leaves it holding more.");
        foreach (var note in run.Notes)
        {
            text.AppendLine(note);
        }

        return text.ToString();
    }

    public static IEnumerable<TargetOutcome> Evaluate(Results results)
    {
        var sqlitePublish = StreamFigures.AckedPerSecond.Combine(results, StreamServers.SqliteName);
        yield return new TargetOutcome("≥ 50,000 acked publishes/s on SQLite", Rate(sqlitePublish, "acked/s"), sqlitePublish >= 50_000, double.IsFinite(sqlitePublish));
        foreach (var server in OpsClawServers)
        {
            var ratio = Ratio(results, StreamFigures.AckedPerSecond, server);
            yield return new TargetOutcome($"{server} acked publishes ≥ 0.5× jetstream", Times(ratio), ratio >= 0.5, double.IsFinite(ratio));
        }

        foreach (var server in OpsClawServers)
        {
            var read = StreamFigures.ReadPerSecond.Combine(results, server);
            yield return new TargetOutcome($"{server} catch-up read ≥ 200,000 msgs/s", Rate(read, "msgs/s"), read >= 200_000, double.IsFinite(read));
        }

        foreach (var server in OpsClawServers)
        {
            var stored = StreamFigures.Stored.Combine(results, server);
            var ready = StreamFigures.Ready.Combine(results, server);
            var full = stored >= 1_000_000;
            yield return new TargetOutcome(
                $"{server} with 1,000,000 stored ready ≤ 5 s after a restart",
                string.Create(CultureInfo.InvariantCulture, $"{ready:N2} s with {stored:N0} stored") + (full ? "" : " (not 1,000,000: not judged)"),
                full && ready <= 5 && StreamFigures.RestartErrors.Combine(results, server) == 0,
                double.IsFinite(ready) && full);
        }
    }

    private static double Ratio(Results results, Figure figure, string server) =>
        figure.Combine(results, server) / figure.Combine(results, StreamServers.JetStreamName);

    private static string Cell(Results results, Figure figure, string server)
    {
        var value = figure.Combine(results, server);
        return results.Of(server, figure.Key).Count == 0 || double.IsNaN(value) ? "" : value.ToString(figure.Format, CultureInfo.InvariantCulture);
    }

    private static string RatioCell(Results results, Figure figure, string server)
    {
        if (figure.Kind is FigureKind.Info or FigureKind.Count)
        {
            return "";
        }

        var ratio = Ratio(results, figure, server);
        return double.IsFinite(ratio) ? Times(ratio) : "";
    }

    private static string Short(string server) => server.Replace("opsclaw-", "", StringComparison.Ordinal);

    private static string Times(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Rate(double value, string unit) => value.ToString("N0", CultureInfo.InvariantCulture) + " " + unit;
}
