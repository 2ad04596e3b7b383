using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// Issue #14 on PostgreSQL storage: five rounds of SIGKILL of the host while publishers pipeline
/// publishes, against a throwaway server that keeps running across the kills (see <see cref="StreamCrashRounds"/>).
/// </summary>
[Collection(StreamCrashCollection.Name)]
public sealed class StreamCrashPostgresSpecs(ITestOutputHelper output)
{
    private static readonly StreamCrashPlan Plan = new(Rounds: 5, Publishers: 4, Depth: 16, PerPublisher: 2000, KillAfterMinMs: 50, KillAfterMaxMs: 600);

    [PostgresFact]
    public async Task Acknowledged_publishes_and_acks_should_survive_a_kill_9_of_a_postgresql_host()
    {
        using var server = await PostgresServer.StartAsync();
        await StreamCrashRounds.RunAsync(
            _ => $"opsclaw.broker.storage {{ provider = postgresql, connection-string = \"{server.ConnectionString}\" }}", Plan, output);
    }
}
