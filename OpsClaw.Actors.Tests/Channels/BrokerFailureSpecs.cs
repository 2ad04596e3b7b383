using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A broker that cannot be made is not silent: the runtime channel answers its requests
/// <c>handler_failed</c> (and keeps answering pings) instead of sending them to an actor that is gone.
/// One that crashed comes back empty and tells the connections that their subscriptions ended.
/// </summary>
public sealed class BrokerFailureSpecs : ChannelSpecBase
{
    private readonly string _directory;

    public BrokerFailureSpecs()
        : this(Directory.CreateTempSubdirectory("opsclaw-broker-start-").FullName)
    {
    }

    private BrokerFailureSpecs(string directory)
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

    [Fact]
    public async Task A_broker_that_crashed_should_come_back_empty_and_end_the_subscriptions_it_held()
    {
        var runtime = Sys.ActorOf(RuntimeChannelActor.Props());
        Ask(runtime, MessageTypes.RuntimeSubscribe, "s1", "{\"topic\":\"jobs.>\"}");
        var subscribed = await Client.ExpectMsgAsync<BrokerProtocol.Subscribed>(TimeSpan.FromSeconds(10));
        Assert.True((await Client.ExpectMsgAsync<ChannelProtocol.Reply>()).Response.Ok);

        var broker = await Sys.ActorSelection(runtime.Path / "broker").ResolveOne(TimeSpan.FromSeconds(5));
        broker.Tell(Kill.Instance);

        Assert.Equal(subscribed.Key, (await Client.ExpectMsgAsync<BrokerProtocol.Unsubscribed>()).Key);
        AssertSuccess(
            await ExpectReplyAsync(Ask(runtime, MessageTypes.RuntimePublish, "p1", "{\"topic\":\"jobs.1\",\"body\":{}}")),
            "runtime.publish.ack",
            "p1",
            "{\"matched\":0}");
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
