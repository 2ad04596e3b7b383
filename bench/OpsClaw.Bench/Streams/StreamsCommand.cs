using System.CommandLine;
using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary><c>streams</c>: the streams scenarios against opsclaw on SQLite and on PostgreSQL and NATS JetStream, then the table on stdout (progress on stderr).</summary>
internal static class StreamsCommand
{
    public static Command Create()
    {
        var opsclaw = new Option<FileInfo>("--opsclaw") { Description = "The Release build of the opsclaw executable.", Required = true };
        var quick = new Option<bool>("--quick")
        {
            Description = "A smoke run (under a minute): one repetition, 1 s first warm-up, 0.5 s warm-up, 2 s window, 20,000 read, 50,000 stored before the restart (overrides the options below).",
        };
        var repetitions = new Option<int>("--reps") { Description = "Repetitions of (a) and (b); the table shows the median.", DefaultValueFactory = _ => 3 };
        var firstWarmUpMs = new Option<int>("--first-warmup-ms")
        {
            Description = "Publishing to each server once before the first repetition, not recorded (the host compiles its code through its first seconds of load).",
            DefaultValueFactory = _ => 4000,
        };
        var warmUpMs = new Option<int>("--warmup-ms") { Description = "Publishing before each measured window of (a).", DefaultValueFactory = _ => 1000 };
        var windowMs = new Option<int>("--window-ms") { Description = "Measured window of (a).", DefaultValueFactory = _ => 5000 };
        var readCount = new Option<long>("--read") { Description = "Messages (b) reads from the start of the stream.", DefaultValueFactory = _ => 200_000 };
        var restartCount = new Option<long>("--restart-messages") { Description = "Messages stored before (c) kills and restarts the server.", DefaultValueFactory = _ => 1_000_000 };
        var fillSeconds = new Option<int>("--fill-limit-s") { Description = "Longest a fill (to the read count, to the restart count) may publish, per server.", DefaultValueFactory = _ => 150 };
        var servers = new Option<string[]>("--servers") { Description = "Servers to run.", DefaultValueFactory = _ => StreamServers.All, AllowMultipleArgumentsPerToken = true };
        var restartServers = new Option<string[]>("--restart-servers")
        {
            Description = "Servers (c) fills and restarts.",
            DefaultValueFactory = _ => StreamServers.All,
            AllowMultipleArgumentsPerToken = true,
        };
        servers.AcceptOnlyFromAmong(StreamServers.All);
        restartServers.AcceptOnlyFromAmong(StreamServers.All);

        var command = new Command("streams", "Run the streams scenarios (durable publish, catch-up read, restart) against opsclaw on SQLite and PostgreSQL and NATS JetStream.")
        {
            opsclaw, quick, repetitions, firstWarmUpMs, warmUpMs, windowMs, readCount, restartCount, fillSeconds, servers, restartServers,
        };
        command.SetAction((parse, cancel) =>
        {
            var isQuick = parse.GetValue(quick);
            return RunAsync(
                new StreamsOptions(
                    parse.GetValue(opsclaw)!.FullName,
                    isQuick ? 1 : Math.Clamp(parse.GetValue(repetitions), 1, 9),
                    TimeSpan.FromMilliseconds(isQuick ? 1000 : Math.Clamp(parse.GetValue(firstWarmUpMs), 0, 60_000)),
                    TimeSpan.FromMilliseconds(isQuick ? 500 : Math.Clamp(parse.GetValue(warmUpMs), 0, 60_000)),
                    TimeSpan.FromMilliseconds(isQuick ? 2000 : Math.Clamp(parse.GetValue(windowMs), 100, 60_000)),
                    isQuick ? 20_000 : Math.Clamp(parse.GetValue(readCount), 1, 10_000_000),
                    TimeSpan.FromSeconds(isQuick ? 10 : 60),
                    isQuick ? 50_000 : Math.Clamp(parse.GetValue(restartCount), 1, 10_000_000),
                    TimeSpan.FromSeconds(isQuick ? 10 : Math.Clamp(parse.GetValue(fillSeconds), 1, 600)),
                    parse.GetValue(servers)!,
                    parse.GetValue(restartServers)!),
                cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(StreamsOptions options, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        StreamsRunResults results;
        try
        {
            results = await StreamsSuite.RunAsync(options, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("opsclaw-bench: interrupted; every server it started has been stopped");
            return 130;
        }

        Console.Out.Write(StreamsReport.Render(results, options, Stopwatch.GetElapsedTime(started)));
        return 0;
    }
}
