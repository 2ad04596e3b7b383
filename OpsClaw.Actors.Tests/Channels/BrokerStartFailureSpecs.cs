using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A broker that cannot be made is not silent: the runtime channel answers its requests
/// <c>handler_failed</c> (and keeps answering pings) instead of sending them to an actor that is gone.
/// </summary>
public sealed class BrokerStartFailureSpecs : ChannelSpecBase
{
    private readonly string _directory;

    public BrokerStartFailureSpecs()
        : this(Directory.CreateTempSubdirectory("opsclaw-broker-start-").FullName)
    {
    }

    private BrokerStartFailureSpecs(string directory)
        : base($$"""
            akka.loglevel = WARNING
            opsclaw.broker.storage.sqlite-file = "{{Path.Combine(directory, "declared.db")}}"
            opsclaw.broker.streams { orders { subjects = ["orders.>"] } }
            """)
    {
        _directory = directory;
    }

    [Fact]
    public async Task Broker_requests_should_be_answered_handler_failed_while_the_broker_cannot_be_made()
    {
        // Storage already open with other settings: the broker's constructor throws, so it is stopped.
        StreamStorage.Get(Sys).Open(StorageSettings.Default with { SqliteFile = Path.Combine(_directory, "other.db") });
        IActorRef runtime = ActorRefs.Nobody;
        await EventFilter.Error(contains: "broker requests are answered handler_failed")
            .ExpectOneAsync(() =>
            {
                runtime = Sys.ActorOf(RuntimeChannelActor.Props());
                return Task.CompletedTask;
            });

        var publish = await ExpectReplyAsync(Ask(runtime, MessageTypes.RuntimePublish, "p1", "{\"topic\":\"orders.1\",\"body\":{}}"));
        AssertError(publish, "handler_failed", "handler for 'runtime.publish' failed", "p1");
        var subscribe = await ExpectReplyAsync(Ask(runtime, MessageTypes.RuntimeSubscribe, "s1", "{\"topic\":\">\"}"));
        AssertError(subscribe, "handler_failed", "handler for 'runtime.subscribe' failed", "s1");
        AssertSuccess(await ExpectReplyAsync(Ask(runtime, MessageTypes.RuntimePing, "r1")), "runtime.pong", "r1", "{\"status\":\"ok\"}");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still be closing its files; the directory is in the temp area.
        }
    }
}
