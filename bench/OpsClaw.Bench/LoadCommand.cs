using System.CommandLine;

namespace OpsClaw.Bench;

/// <summary>
/// <c>load --socket --pid</c>: one scenario against a server that is already running (started by
/// hand, e.g. to attach a profiler to it), its figures printed on stdout.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "The runtime socket of a running server.", Required = true };
        var pid = new Option<int>("--pid") { Description = "The server's pid, for its CPU and memory figures.", Required = true };
        var scenario = new Option<string>("--scenario") { Description = "Which scenario to run.", DefaultValueFactory = _ => Scenarios.Throughput.Id };
        var warmUpMs = new Option<int>("--warmup-ms") { DefaultValueFactory = _ => 1000 };
        var windowMs = new Option<int>("--window-ms") { DefaultValueFactory = _ => 3000 };
        var held = new Option<int>("--connections") { DefaultValueFactory = _ => 10_000 };
        scenario.AcceptOnlyFromAmong([.. Scenarios.Ids]);
        var command = new Command("load", "Run one scenario against a server that is already running.")
        {
            socket, pid, scenario, warmUpMs, windowMs, held,
        };
        command.SetAction((parse, _) => RunAsync(
            parse.GetValue(socket)!,
            new ProcessProbe(parse.GetValue(pid)),
            parse.GetValue(scenario)!,
            TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(warmUpMs), 0, 60_000)),
            TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(windowMs), 100, 600_000)),
            Math.Clamp(parse.GetValue(held), 1, 15_000)));
        return command;
    }

    private static async Task<int> RunAsync(string socket, ProcessProbe server, string scenarioId, TimeSpan warmUp, TimeSpan window, int held)
    {
        if (scenarioId == Scenarios.ConnectionsId)
        {
            Console.Out.WriteLine(await ConnectionScale.RunAsync(socket, held, 64, server).ConfigureAwait(false));
            return 0;
        }

        var scenario = Scenarios.Load.Single(load => load.Id == scenarioId);
        Console.Out.WriteLine(await PipelinedLoad.RunAsync(socket, scenario.Connections, scenario.Depth, warmUp, window, server).ConfigureAwait(false));
        return 0;
    }
}
