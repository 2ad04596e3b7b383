using System.Globalization;
using static System.FormattableString;

namespace OpsClaw.Bench;

/// <summary>What one <c>streams</c> run does.</summary>
internal sealed record StreamsOptions(
    string OpsClawExecutable,
    int Repetitions,
    TimeSpan FirstWarmUp,
    TimeSpan WarmUp,
    TimeSpan Window,
    long ReadCount,
    TimeSpan ReadLimit,
    long RestartCount,
    TimeSpan FillLimit,
    IReadOnlyList<string> Servers,
    IReadOnlyList<string> RestartServers);

/// <summary>Every figure of a streams run, the PostgreSQL server's version, and why something did not run.</summary>
internal sealed record StreamsRunResults(Results Results, IReadOnlyList<string> Servers, string? PostgresVersion, IReadOnlyList<string> Notes);

/// <summary>
/// Runs the streams scenarios of issue #14 against opsclaw on SQLite, opsclaw on PostgreSQL and NATS
/// JetStream, all three started at once and measured turn by turn within each scenario (the
/// order rotating between repetitions), so a ratio compares figures taken seconds apart on the
/// same shared machine: (a) durable publish, (b) catch-up read of the first messages stored,
/// (c) a crash and restart with the stream filled to <see cref="StreamsOptions.RestartCount"/>.
/// </summary>
internal static class StreamsSuite
{
    public static async Task<StreamsRunResults> RunAsync(StreamsOptions options, CancellationToken cancel)
    {
        var notes = new List<string>();
        var results = new Results();
        var targets = new List<StreamTarget>();
        string? postgresVersion = null;
        try
        {
            foreach (var name in StreamServers.All.Where(options.Servers.Contains))
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    if (await StartAsync(name, options, notes, cancel).ConfigureAwait(false) is { } target)
                    {
                        targets.Add(target);
                        postgresVersion ??= target.StorageVersion;
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException)
                {
                    Note(notes, $"skipped: {name}: {ex.Message}");
                }
            }

            var stored = targets.ToDictionary(target => target.Name, _ => 0L);

            // The host's code is still being compiled (tiered JIT) through its first seconds of load, which made its
            // first repetition a third of the later ones: one unrecorded pass each first, as a server in service is warm.
            foreach (var target in targets)
            {
                cancel.ThrowIfCancellationRequested();
                var warm = await PublishRun.TimedAsync(target, TimeSpan.Zero, options.FirstWarmUp).ConfigureAwait(false);
                stored[target.Name] = warm.HighestSeq;
                Console.Error.WriteLine(Invariant($"bench: warm  {target.Name,-18} {warm.AckedPerSecond:N0} acked/s over {options.FirstWarmUp.TotalSeconds:N0} s (not recorded)") + Suffix(warm.Notes));
            }

            for (var repetition = 0; repetition < options.Repetitions; repetition++)
            {
                foreach (var target in Rotated(targets, repetition))
                {
                    cancel.ThrowIfCancellationRequested();
                    var result = await PublishRun.TimedAsync(target, options.WarmUp, options.Window).ConfigureAwait(false);
                    stored[target.Name] = Math.Max(stored[target.Name], result.HighestSeq);
                    StreamFigures.Record(results, target.Name, target.HasStorageServer, result);
                    Progress(repetition, target.Name, StreamFigures.Publish,
                        Invariant($"{result.AckedPerSecond:N0} acked/s, p50 {result.P50Us:N0} µs, p99 {result.P99Us:N0} µs, server {result.HostCpuUsPerMessage:N2} µs/msg") +
                        (target.HasStorageServer ? Invariant($", postgres {result.StorageCpuUsPerMessage:N2} µs/msg") : "") +
                        Invariant($", {result.Errors:N0} errors, {stored[target.Name]:N0} stored") + Suffix(result.Notes));
                }
            }

            foreach (var target in targets)
            {
                await FillAsync(target, options.ReadCount, options, stored, notes).ConfigureAwait(false);
            }

            for (var repetition = 0; repetition < options.Repetitions; repetition++)
            {
                foreach (var target in Rotated(targets, repetition))
                {
                    cancel.ThrowIfCancellationRequested();
                    var count = Math.Min(options.ReadCount, stored[target.Name]);
                    var result = await ReadRun.RunAsync(target, "reader" + repetition.ToString(CultureInfo.InvariantCulture), count, options.ReadLimit).ConfigureAwait(false);
                    StreamFigures.Record(results, target.Name, target.HasStorageServer, result);
                    Progress(repetition, target.Name, StreamFigures.Read,
                        Invariant($"{result.DeliveredPerSecond:N0} msgs/s over {result.Received:N0}, server {result.HostCpuUsPerMessage:N2} µs/msg") +
                        (target.HasStorageServer ? Invariant($", postgres {result.StorageCpuUsPerMessage:N2} µs/msg") : "") +
                        Invariant($", {result.Errors:N0} errors") + Suffix(result.Notes));
                }
            }

            foreach (var target in targets.Where(target => options.RestartServers.Contains(target.Name)))
            {
                cancel.ThrowIfCancellationRequested();
                await FillAsync(target, options.RestartCount, options, stored, notes).ConfigureAwait(false);
                var result = await RestartRun.RunAsync(target, stored[target.Name], TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                stored[target.Name]++;
                StreamFigures.Record(results, target.Name, result);
                Progress(0, target.Name, StreamFigures.Restart, string.Create(CultureInfo.InvariantCulture,
                    $"{result.Stored:N0} stored: ready line {result.ReadyLineSeconds:N2} s, first publish acked {result.ReadySeconds:N2} s, " +
                    $"server CPU {result.RecoveryCpuSeconds:N2} s, RSS {result.RssMiB:N0} MiB, {result.Errors:N0} errors") + Suffix(result.Notes));
            }
        }
        finally
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new StreamsRunResults(results, [.. targets.Select(target => target.Name)], postgresVersion, notes);
    }

    private static async Task<StreamTarget?> StartAsync(string name, StreamsOptions options, List<string> notes, CancellationToken cancel)
    {
        var data = Directory.CreateTempSubdirectory("opsclaw-bench-data-").FullName;
        switch (name)
        {
            case StreamServers.SqliteName when File.Exists(options.OpsClawExecutable):
                return await StreamTarget.StartAsync(StreamServers.OpsClawSqlite(options.OpsClawExecutable, data), StreamServers.Protocol(name), data, null, cancel).ConfigureAwait(false);
            case StreamServers.PostgresName when File.Exists(options.OpsClawExecutable) && PostgresInstance.LocateBin() is { } bin:
                PostgresInstance storage;
                try
                {
                    storage = await PostgresInstance.StartAsync(bin).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                {
                    // Nothing owns the data directory yet; the caller reports the server as skipped.
                    StreamServers.TryDelete(data);
                    throw new InvalidOperationException("PostgreSQL did not start: " + ex.Message, ex);
                }

                return await StreamTarget.StartAsync(StreamServers.OpsClawPostgres(options.OpsClawExecutable, data, storage), StreamServers.Protocol(name), data, storage, cancel).ConfigureAwait(false);
            case StreamServers.JetStreamName when BrokerServers.Locate("nats-server") is { } nats:
                return await StreamTarget.StartAsync(StreamServers.JetStream(nats, data), StreamServers.Protocol(name), data, null, cancel).ConfigureAwait(false);
            default:
                StreamServers.TryDelete(data);
                Note(notes, $"skipped: {name}: " + (name == StreamServers.JetStreamName ? "nats-server not found"
                    : !File.Exists(options.OpsClawExecutable) ? $"{options.OpsClawExecutable} does not exist"
                    : "initdb and pg_ctl not found in /usr/local/bin nor /usr/lib/postgresql/*/bin"));
                return null;
        }
    }

    /// <summary>Publishes until the stream holds <paramref name="count"/> messages, or for at most the fill limit.</summary>
    private static async Task FillAsync(StreamTarget target, long count, StreamsOptions options, Dictionary<string, long> stored, List<string> notes)
    {
        var missing = count - stored[target.Name];
        if (missing <= 0)
        {
            return;
        }

        var result = await PublishRun.FillAsync(target, missing, options.FillLimit).ConfigureAwait(false);
        stored[target.Name] = Math.Max(stored[target.Name], result.HighestSeq);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: fill    {target.Name,-18} {result.Acked:N0} more stored at {result.AckedPerSecond:N0} acked/s, {stored[target.Name]:N0} in all") + Suffix(result.Notes));
        if (stored[target.Name] < count)
        {
            Note(notes, string.Create(CultureInfo.InvariantCulture,
                $"{target.Name}: the fill to {count:N0} messages stopped at its {options.FillLimit.TotalSeconds:N0} s limit with {stored[target.Name]:N0} stored"));
        }
    }

    private static IEnumerable<StreamTarget> Rotated(List<StreamTarget> targets, int repetition) =>
        Enumerable.Range(0, targets.Count).Select(turn => targets[(turn + repetition) % targets.Count]);

    private static string Suffix(string notes) => notes.Length > 0 ? " (" + notes + ")" : "";

    private static void Note(List<string> notes, string note)
    {
        notes.Add(note);
        Console.Error.WriteLine("bench: " + note);
    }

    private static void Progress(int repetition, string server, string scenario, string figures) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: rep {repetition + 1} {server,-18} {scenario,-24} {figures}"));
}
