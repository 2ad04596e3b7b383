using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A broker whose database cannot be reached when it starts (PostgreSQL down, locked or slow): it
/// is made at once, answers what does not need storage, and reports its stream as recovering.
/// </summary>
public sealed class StreamStorageDownSpecs : BrokerSpecBase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsclaw-streams-down-").FullName;

    public StreamStorageDownSpecs()
        : base("akka.loglevel = OFF")
    {
    }

    [Fact]
    public async Task A_broker_whose_database_is_unreachable_should_answer_at_once_and_report_its_stream_recovering()
    {
        // A socket directory with no server in it: every connection attempt fails at once.
        var settings = BrokerSettings.Default with
        {
            Storage = new StorageSettings(StorageProvider.PostgreSql, "", $"Host={_directory};Port=5432;Database=opsclaw;Username=opsclaw;Timeout=2"),
            Streams = [new StreamSettings("orders", ["orders.>"], null, null, null)],
        };
        var broker = StartBroker(settings);
        var publisher = CreateTestProbe();

        Assert.Equal(0, await PublishAsync(broker, publisher, "other.1"));


        // The stream waits for its storage (its publishes wait with it, up to the client's request-timeout)
        // and says so; it recovers by itself once the database answers.
        var report = await broker.Ask<StreamsReport>(BrokerProtocol.GetStreams.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal("postgresql", report.Storage);
        Assert.Equal("recovering", report.Streams.Single().Status);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Directory.Delete(_directory, recursive: true);
    }
}
