using System.CommandLine;
using OpsClaw.Bench;

var root = new RootCommand("OpsClaw benchmarks: a load generator, the two baseline servers it compares the host with, the broker comparison with NATS and Redis, the broker's cluster (same-node against cross-node), and the streams comparison with NATS JetStream.")
{
    RunCommand.Create(),
    LoadCommand.Create(),
    BrokerCommand.Create(),
    BrokerLoadCommand.Create(),
    ClusterCommand.Create(),
    StreamsCommand.Create(),
    DecodeCommand.Create(),
    BaselineCommand.Create(BaselineKind.RawJson),
    BaselineCommand.Create(BaselineKind.RawFixed),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"opsclaw-bench: {error.Message}");
    }

    return 2;
}

// Ctrl+C or SIGTERM cancels a run between scenarios; it then stops its servers, which takes longer than the default 2 s.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
