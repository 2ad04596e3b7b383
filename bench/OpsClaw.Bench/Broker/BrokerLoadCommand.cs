using System.CommandLine;
using System.Globalization;

namespace OpsClaw.Bench;

/// <summary>
/// <c>broker-load --server --address --pid --scenario</c>: one broker scenario against a server that
/// is already running (started by hand, e.g. to attach a profiler to it), its figures on stdout.
/// </summary>
internal static class BrokerLoadCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Which protocol the server speaks.", DefaultValueFactory = _ => ServerSpec.OpsClawName };
        var address = new Option<string>("--address") { Description = "Its runtime socket (opsclaw), Unix socket (redis) or host:port (nats).", Required = true };
        var pid = new Option<int>("--pid") { Description = "The server's pid, for its CPU figures.", Required = true };
        var scenario = new Option<string>("--scenario") { Description = "Which scenario to run.", DefaultValueFactory = _ => BrokerScenarios.FanOut.Id };
        var inFlight = new Option<int>("--in-flight") { DefaultValueFactory = _ => BrokerScenarios.DefaultInFlight };
        var warmUpMs = new Option<int>("--warmup-ms") { DefaultValueFactory = _ => 1000 };
        var windowMs = new Option<int>("--window-ms") { DefaultValueFactory = _ => 3000 };
        server.AcceptOnlyFromAmong(BrokerSuite.AllServers);
        scenario.AcceptOnlyFromAmong([.. BrokerScenarios.Ids]);
        var command = new Command("broker-load", "Run one broker scenario against a server that is already running.")
        {
            server, address, pid, scenario, inFlight, warmUpMs, windowMs,
        };
        command.SetAction(async (parse, _) =>
        {
            var dialect = BrokerDialect.Of(parse.GetValue(server)!);
            var chosen = BrokerScenarios.All.Single(candidate => candidate.Id == parse.GetValue(scenario));
            var result = await BrokerRun.RunAsync(
                dialect,
                parse.GetValue(address)!,
                chosen,
                Math.Clamp(parse.GetValue(inFlight), 1, 1_000_000),
                TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(warmUpMs), 0, 60_000)),
                TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(windowMs), 100, 600_000)),
                new ProcessProbe(parse.GetValue(pid))).ConfigureAwait(false);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{chosen.Title}: {result.DeliveredPerSecond:N0} msgs/s, p50 {result.P50Us:N1} µs, p99 {result.P99Us:N1} µs, " +
                $"server {result.ServerCores:N2} cores ({result.ServerCpuUsPerMessage:N2} µs/msg), generator {result.GeneratorCores:N2} cores, " +
                $"{result.Published:N0} published, {result.Lost:N0} lost, {result.Errors:N0} errors {result.Notes}"));
            return 0;
        });
        return command;
    }
}
