using System.CommandLine;
using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary><c>broker</c>: the broker scenarios against opsclaw, NATS core and Redis pub/sub, then the table on stdout (progress on stderr).</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var opsclaw = new Option<FileInfo>("--opsclaw") { Description = "The Release build of the opsclaw executable.", Required = true };
        var quick = new Option<bool>("--quick") { Description = "A smoke run: one repetition, 0.5 s warm-up and a 1 s window (overrides the three options below)." };
        var repetitions = new Option<int>("--reps") { Description = "Repetitions of every figure; the table shows the median.", DefaultValueFactory = _ => 3 };
        var warmUpMs = new Option<int>("--warmup-ms") { Description = "Publishing before each measured window.", DefaultValueFactory = _ => 1000 };
        var windowMs = new Option<int>("--window-ms") { Description = "Measured window of each scenario.", DefaultValueFactory = _ => 3000 };
        var inFlight = new Option<int>("--in-flight")
        {
            Description = "Messages on their way to each subscriber (or group) at once, shared among its publishers; past opsclaw's max_pending (1000) it drops by design.",
            DefaultValueFactory = _ => BrokerScenarios.DefaultInFlight,
        };
        var servers = new Option<string[]>("--servers") { Description = "Servers to run.", DefaultValueFactory = _ => BrokerSuite.AllServers, AllowMultipleArgumentsPerToken = true };
        var scenarios = new Option<string[]>("--scenarios") { Description = "Scenarios to run.", DefaultValueFactory = _ => [.. BrokerScenarios.Ids], AllowMultipleArgumentsPerToken = true };
        servers.AcceptOnlyFromAmong(BrokerSuite.AllServers);
        scenarios.AcceptOnlyFromAmong([.. BrokerScenarios.Ids]);

        var command = new Command("broker", "Run the broker scenarios against opsclaw, NATS core and Redis pub/sub and print the table.")
        {
            opsclaw, quick, repetitions, warmUpMs, windowMs, inFlight, servers, scenarios,
        };
        command.SetAction((parse, cancel) =>
        {
            var isQuick = parse.GetValue(quick);
            return RunAsync(
                new BrokerOptions(
                    parse.GetValue(opsclaw)!.FullName,
                    isQuick ? 1 : Math.Clamp(parse.GetValue(repetitions), 1, 9),
                    Math.Clamp(parse.GetValue(inFlight), 1, 1_000_000),
                    TimeSpan.FromMilliseconds(isQuick ? 500 : Math.Clamp(parse.GetValue(warmUpMs), 0, 60_000)),
                    TimeSpan.FromMilliseconds(isQuick ? 1000 : Math.Clamp(parse.GetValue(windowMs), 100, 60_000)),
                    parse.GetValue(servers)!,
                    parse.GetValue(scenarios)!),
                cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(BrokerOptions options, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        BrokerRunResults results;
        try
        {
            results = await BrokerSuite.RunAsync(options, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("opsclaw-bench: interrupted; every server it started has been stopped");
            return 130;
        }

        Console.Out.Write(BrokerReport.Render(results, options, Stopwatch.GetElapsedTime(started)));
        return 0;
    }
}
