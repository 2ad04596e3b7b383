using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A broker whose database cannot be reached when it starts (PostgreSQL down, locked or slow): it
/// is made at once, answers what does not need storage, holds at most max-queued publishes for its
/// stream (refusing more as overloaded), and reports the stream as recovering.
/// </summary>
public sealed class StreamStorageDownSpecs : BrokerSpecBase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsclaw-streams-down-").FullName;

    public StreamStorageDownSpecs()
        : base("akka.loglevel = OFF")
    {
    }

    [Fact]
    public async Task A_broker_whose_database_is_unreachable_should_answer_at_once_hold_max_queued_stream_publishes_and_report_recovering()
    {
        // A socket directory with no server in it: every connection attempt fails at once.
        var settings = BrokerSettings.Default with
        {
            MaxQueued = 2,
            Storage = new StorageSettings(StorageProvider.PostgreSql, "", $"Host={_directory};Port=5432;Database=opsclaw;Username=opsclaw;Timeout=2"),
            Streams = [new StreamSettings("orders", ["orders.>"], null, null, null)],
        };
        var broker = StartBroker(settings);
        var publisher = CreateTestProbe();

        Assert.Equal(0, await PublishAsync(broker, publisher, "other.1"));


        // The stream waits for its storage and says so; it recovers by itself once the database answers.
        // Publishes wait with it (the client's request-timeout bounds the wait), max-queued of them.
        SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"orders.1\",\"body\":{}}");
        SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"orders.2\",\"body\":{}}");
        var third = SendRaw(broker, publisher, MessageTypes.RuntimePublish, "{\"topic\":\"orders.3\",\"body\":{}}", runId: "r3");
        var refused = await ReplyAsync(publisher, third);
        Assert.Equal(IpcResponse.Failure(IpcErrors.OverloadedCode, "stream 'orders' (still reading its storage) has 2 messages queued (broker.max-queued); the publish was not stored", "r3"), refused);
        Assert.Equal(0, await PublishAsync(broker, publisher, "other.2"));

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
