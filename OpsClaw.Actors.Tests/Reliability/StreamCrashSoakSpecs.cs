using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// Issue #14's slower spec: twenty short rounds of SIGKILL on one SQLite file, each at another moment
/// (from just after the publishers start to well into their stream), so that recovery is tried from
/// many states of the journal (see <see cref="StreamCrashRounds"/>).
/// </summary>
[Collection(StreamCrashCollection.Name)]
public sealed class StreamCrashSoakSpecs(ITestOutputHelper output)
{
    private static readonly StreamCrashPlan Plan = new(Rounds: 20, Publishers: 4, Depth: 16, PerPublisher: 1000, KillAfterMinMs: 0, KillAfterMaxMs: 300);

    [Fact]
    public Task Acknowledged_publishes_and_acks_should_survive_twenty_kills_of_a_sqlite_host_at_different_moments() =>
        StreamCrashRounds.RunAsync(StreamCrashRounds.SqliteStorage, Plan, output);
}
