using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// Issue #14 in the normal suite: two rounds of SIGKILL while publishers pipeline publishes to a stream
/// stored in SQLite, each checked after a restart on the same file (see <see cref="StreamCrashRounds"/>).
/// </summary>
[Collection(StreamCrashCollection.Name)]
public sealed class StreamCrashSpecs(ITestOutputHelper output)
{
    private static readonly StreamCrashPlan Plan = new(Rounds: 2, Publishers: 4, Depth: 16, PerPublisher: 2000, KillAfterMinMs: 100, KillAfterMaxMs: 800);

    [Fact]
    public Task Acknowledged_publishes_and_acks_should_survive_a_kill_9_of_a_sqlite_host() =>
        StreamCrashRounds.RunAsync(StreamCrashRounds.SqliteStorage, Plan, output);
}
