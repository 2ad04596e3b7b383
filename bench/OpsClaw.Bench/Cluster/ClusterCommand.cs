using System.CommandLine;
using System.Diagnostics;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary><c>cluster</c>: 1 → 1 throughput and latency on a two-node opsclaw cluster, same-node against cross-node, then the table on stdout (progress on stderr).</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var opsclaw = new Option<FileInfo>("--opsclaw") { Description = "The Release build of the opsclaw executable.", Required = true };
        var quick = new Option<bool>("--quick") { Description = "A smoke run: one repetition, 0.5 s warm-up and a 1 s window (overrides the three options below)." };
        var repetitions = new Option<int>("--reps") { Description = "Repetitions of every figure, each on a fresh cluster; the table shows the median.", DefaultValueFactory = _ => 3 };
        var warmUpMs = new Option<int>("--warmup-ms") { Description = "Publishing before each measured window.", DefaultValueFactory = _ => 1000 };
        var windowMs = new Option<int>("--window-ms") { Description = "Measured window of each scenario.", DefaultValueFactory = _ => 3000 };
        var inFlight = new Option<int>("--in-flight")
        {
            Description = "Messages on their way to the subscriber at once in the pipelined 1 → 1; past opsclaw's max_pending (1000) it drops by design.",
            DefaultValueFactory = _ => BrokerScenarios.DefaultInFlight,
        };
        var scenarios = new Option<string[]>("--scenarios") { Description = "Scenarios to run.", DefaultValueFactory = _ => [.. ClusterSuite.ScenarioIds], AllowMultipleArgumentsPerToken = true };
        scenarios.AcceptOnlyFromAmong([.. ClusterSuite.ScenarioIds]);
        var nodeConfig = new Option<FileInfo?>("--node-config")
        {
            Description = "A HOCON file given to both nodes as --config, e.g. to try other Akka.Remote settings; the cluster flags the bench passes take precedence.",
        };

        var command = new Command("cluster", "Run 1 → 1 throughput and latency on a two-node opsclaw cluster, same-node and cross-node, and print the table.")
        {
            opsclaw, quick, repetitions, warmUpMs, windowMs, inFlight, scenarios, nodeConfig,
        };
        command.SetAction((parse, cancel) =>
        {
            var isQuick = parse.GetValue(quick);
            return RunAsync(
                new ClusterOptions(
                    parse.GetValue(opsclaw)!.FullName,
                    isQuick ? 1 : Math.Clamp(parse.GetValue(repetitions), 1, 9),
                    Math.Clamp(parse.GetValue(inFlight), 1, 1_000_000),
                    TimeSpan.FromMilliseconds(isQuick ? 500 : Math.Clamp(parse.GetValue(warmUpMs), 0, 60_000)),
                    TimeSpan.FromMilliseconds(isQuick ? 1000 : Math.Clamp(parse.GetValue(windowMs), 100, 60_000)),
                    parse.GetValue(scenarios)!,
                    parse.GetValue(nodeConfig)?.FullName),
                cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(ClusterOptions options, CancellationToken cancel)
    {
        if (!File.Exists(options.OpsClawExecutable))
        {
            Console.Error.WriteLine($"opsclaw-bench: {options.OpsClawExecutable} does not exist");
            return 2;
        }

        if (options.NodeConfig is { } config && !File.Exists(config))
        {
            Console.Error.WriteLine($"opsclaw-bench: {config} does not exist");
            return 2;
        }

        var started = Stopwatch.GetTimestamp();
        var loadBefore = ProcFs.LoadAverage();
        Results results;
        try
        {
            results = await ClusterSuite.RunAsync(options, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("opsclaw-bench: interrupted; every node it started has been stopped");
            return 130;
        }
        catch (Exception failure) when (failure is TimeoutException or InvalidOperationException or InvalidDataException or IOException or SocketException or BrokerRefusedException)
        {
            // The cluster did not form, a node stopped answering, or refused the broker: no table to print.
            Console.Error.WriteLine($"opsclaw-bench: the cluster run failed; every node it started has been stopped: {failure.Message}");
            return 1;
        }

        Console.Out.Write(ClusterBenchReport.Render(results, options, Stopwatch.GetElapsedTime(started), (loadBefore, ProcFs.LoadAverage())));
        return 0;
    }
}
