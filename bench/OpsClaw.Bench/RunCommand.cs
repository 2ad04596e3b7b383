using System.CommandLine;
using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary><c>run</c>: every scenario against the host and both baselines, then the table on stdout (progress on stderr).</summary>
internal static class RunCommand
{
    private static readonly string[] AllServers = [ServerSpec.OpsClawName, ServerSpec.RawJsonName, ServerSpec.RawFixedName];

    public static Command Create()
    {
        var opsclaw = new Option<FileInfo>("--opsclaw") { Description = "The Release build of the opsclaw executable.", Required = true };
        var before = new Option<FileInfo?>("--opsclaw-before") { Description = "An earlier build of opsclaw, run beside it in every repetition for a before/after ratio." };
        var repetitions = new Option<int>("--reps") { Description = "Repetitions of every figure; the table shows the median.", DefaultValueFactory = _ => 3 };
        var warmUpMs = new Option<int>("--warmup-ms") { Description = "Load before each measured window.", DefaultValueFactory = _ => 1000 };
        var windowMs = new Option<int>("--window-ms") { Description = "Measured window of each load scenario.", DefaultValueFactory = _ => 3000 };
        var held = new Option<int>("--connections") { Description = "Connections opened by the storm and then held idle.", DefaultValueFactory = _ => 10_000 };
        var concurrency = new Option<int>("--storm-concurrency") { Description = "Connections being opened at once during the storm.", DefaultValueFactory = _ => 64 };
        var servers = new Option<string[]>("--servers") { Description = "Servers to run.", DefaultValueFactory = _ => AllServers, AllowMultipleArgumentsPerToken = true };
        var scenarios = new Option<string[]>("--scenarios") { Description = "Scenarios to run.", DefaultValueFactory = _ => [.. Scenarios.Ids], AllowMultipleArgumentsPerToken = true };
        servers.AcceptOnlyFromAmong(AllServers);
        scenarios.AcceptOnlyFromAmong([.. Scenarios.Ids]);

        var command = new Command("run", "Run the benchmark suite and print the table.")
        {
            opsclaw, before, repetitions, warmUpMs, windowMs, held, concurrency, servers, scenarios,
        };
        command.SetAction((parse, cancel) => RunAsync(new SuiteOptions(
            parse.GetValue(opsclaw)!.FullName,
            parse.GetValue(before)?.FullName,
            Math.Clamp(parse.GetValue(repetitions), 1, 9),
            TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(warmUpMs), 0, 60_000)),
            TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(windowMs), 100, 60_000)),
            Math.Clamp(parse.GetValue(held), 1, 15_000),
            Math.Clamp(parse.GetValue(concurrency), 1, 1024),
            parse.GetValue(servers)!,
            parse.GetValue(scenarios)!), cancel));
        return command;
    }

    private static async Task<int> RunAsync(SuiteOptions options, CancellationToken cancel)
    {
        if (!File.Exists(options.OpsClawExecutable) && options.Servers.Contains(ServerSpec.OpsClawName))
        {
            Console.Error.WriteLine($"opsclaw-bench: {options.OpsClawExecutable} does not exist; build it with 'dotnet build OpsClaw.sln -c Release'");
            return 2;
        }

        if (options.BeforeExecutable is { } beforeExecutable && !File.Exists(beforeExecutable))
        {
            Console.Error.WriteLine($"opsclaw-bench: {beforeExecutable} does not exist");
            return 2;
        }

        var started = Stopwatch.GetTimestamp();
        Results results;
        try
        {
            results = await Suite.RunAsync(options, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("opsclaw-bench: interrupted; every server it started has been stopped");
            return 130;
        }

        Console.Out.Write(ReportTable.Render(results, options, Stopwatch.GetElapsedTime(started)));
        return 0;
    }
}
