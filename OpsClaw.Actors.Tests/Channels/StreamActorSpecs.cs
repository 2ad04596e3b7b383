using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A stream actor over Akka's test journal, which a spec can make fail: a publish is answered only
/// once written, with the stream's next sequence number; a write that fails is refused; a restarted
/// stream goes on from where it was; retention keeps what the limits allow.
/// </summary>
public sealed class StreamActorSpecs : TestKit
{
    private static readonly StreamPlugins TestPlugins = new("akka.persistence.journal.test", "akka.persistence.snapshot-store.test");

    private static readonly Config TestPersistence = ConfigurationFactory.ParseString("""
        akka.persistence.journal.test {
          class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.test {
          class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """);

    private long _nextId;

    public StreamActorSpecs()
        : base(TestPersistence)
    {
    }

    private static StreamSettings Orders(long? maxMessages = null) => new("orders", ["orders.>"], maxMessages, null, null);

    private IActorRef StartStream(StreamSettings settings) => Sys.ActorOf(StreamActor.Props(settings, TestPlugins));

    private long Append(IActorRef stream, TestProbe connection, string body, int matched = 0)
    {
        var id = ++_nextId;
        var request = new ChannelProtocol.Request(id, new IpcRequest(MessageTypes.RuntimePublish, "run-" + id, "{}"));
        stream.Tell(new StreamProtocol.Append([new StreamProtocol.Appending(request, connection.Ref, new PublishedMessage("orders.new", body, null, "run-" + id), matched)]));
        return id;
    }

    private static IEnumerable<ChannelProtocol.Reply> Replies(object message) => message switch
    {
        ChannelProtocol.Reply reply => [reply],
        ChannelProtocol.ReplyBatch batch => batch.Replies.Take(batch.Count),
        _ => throw new InvalidOperationException($"not a reply: {message}"),
    };

    private static async Task<ChannelProtocol.Reply> ReplyAsync(TestProbe connection) =>
        Replies(await connection.ReceiveOneAsync(TimeSpan.FromSeconds(5)) ?? throw new TimeoutException("no reply in 5 s")).Single();

    /// <summary>The replies to <paramref name="count"/> publishes, alone or batched as the stream wrote them.</summary>
    private static async Task<List<ChannelProtocol.Reply>> RepliesAsync(TestProbe connection, int count)
    {
        var replies = new List<ChannelProtocol.Reply>();
        while (replies.Count < count)
        {
            replies.AddRange(Replies(await connection.ReceiveOneAsync(TimeSpan.FromSeconds(5)) ?? throw new TimeoutException("no reply in 5 s")));
        }

        return replies;
    }

    [Fact]
    public async Task A_publish_should_be_answered_once_stored_with_the_next_sequence_number()
    {
        var stream = StartStream(Orders());
        var connection = CreateTestProbe();
        var follower = CreateTestProbe();
        stream.Tell(new StreamProtocol.Follow(follower.Ref), follower.Ref);
        await follower.ExpectMsgAsync(new StreamProtocol.Range(1, 0));

        var first = Append(stream, connection, "{\"n\":1}", matched: 2);
        var second = Append(stream, connection, "[2]");

        var replies = await RepliesAsync(connection, 2);
        Assert.Equal(
            [(first, "{\"matched\":2,\"stream\":\"orders\",\"seq\":1}"), (second, "{\"matched\":0,\"stream\":\"orders\",\"seq\":2}")],
            replies.Select(reply => (reply.Id, reply.Response.PayloadJson)));
        Assert.All(replies, reply => Assert.Equal(MessageTypes.RuntimePublishAck, reply.Response.MessageType));

        var seen = new List<PublishedMessage>();
        while (seen.Count < 2)
        {
            seen.AddRange((await follower.ExpectMsgAsync<StreamProtocol.Appended>()).Messages);
        }

        Assert.Equal([(1L, "{\"n\":1}"), (2L, "[2]")], seen.Select(message => (message.Seq, message.Body)));
        Assert.All(seen, message => Assert.Equal("orders", message.Stream));
    }

    [Fact]
    public async Task A_write_that_fails_should_refuse_its_publish_and_stop_the_stream()
    {
        var stream = StartStream(Orders());
        var connection = CreateTestProbe();
        Append(stream, connection, "1");
        Assert.Equal(1, SeqOf(await ReplyAsync(connection)));

        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(TestPlugins.Journal));
        await journal.OnWrite.Fail();
        Watch(stream);
        var refused = Append(stream, connection, "2");

        var reply = await ReplyAsync(connection);
        Assert.Equal(refused, reply.Id);
        Assert.Equal(IpcErrors.HandlerFailedCode, reply.Response.ErrorCode);
        await ExpectTerminatedAsync(stream);

        // Nothing of the refused publish was kept: a new stream actor goes on after the first message.
        await journal.OnWrite.Pass();
        var again = StartStream(Orders());
        Append(again, connection, "3");
        Assert.Equal(2, SeqOf(await ReplyAsync(connection)));
    }

    [Fact]
    public async Task Told_to_stop_when_idle_a_stream_should_answer_what_it_is_writing_as_stored_then_stop()
    {
        // A cluster hands a stream's shard over with this message: a publish being written must not be refused while it may be stored.
        var stream = StartStream(Orders());
        var connection = CreateTestProbe();
        await stream.Ask<Contracts.StreamInfo>(StreamProtocol.GetInfo.Instance, TimeSpan.FromSeconds(5));
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(TestPlugins.Journal));
        await journal.OnWrite.PassWithDelay(TimeSpan.FromMilliseconds(300));
        await WatchAsync(stream);

        var id = Append(stream, connection, "{\"n\":1}");
        stream.Tell(StreamProtocol.StopWhenIdle.Instance);

        var reply = await ReplyAsync(connection);
        Assert.Equal(id, reply.Id);
        Assert.True(reply.Response.Ok, reply.Response.Error);
        await ExpectTerminatedAsync(stream, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_restarted_stream_should_recover_its_range_and_go_on_counting()
    {
        var stream = StartStream(Orders());
        var connection = CreateTestProbe();
        for (var i = 0; i < 3; i++)
        {
            Append(stream, connection, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await ReplyAsync(connection);
        }

        Watch(stream);
        Sys.Stop(stream);
        await ExpectTerminatedAsync(stream);

        var restarted = StartStream(Orders());
        restarted.Tell(new StreamProtocol.Follow(TestActor));
        await ExpectMsgAsync(new StreamProtocol.Range(1, 3));
        Append(restarted, connection, "4");
        Assert.Equal(4, SeqOf(await ReplyAsync(connection)));
    }

    [Fact]
    public async Task Max_messages_should_delete_the_oldest_and_say_so_in_the_range()
    {
        var stream = StartStream(Orders(maxMessages: 2));
        var connection = CreateTestProbe();
        for (var i = 0; i < 5; i++)
        {
            Append(stream, connection, "0");
            await ReplyAsync(connection);
        }

        await AwaitAssertAsync(async () =>
        {
            stream.Tell(new StreamProtocol.Follow(TestActor));
            await ExpectMsgAsync(new StreamProtocol.Range(4, 5));
        });

        // Recovery replays only what is left.
        Watch(stream);
        Sys.Stop(stream);
        await ExpectTerminatedAsync(stream);
        var restarted = StartStream(Orders(maxMessages: 2));
        restarted.Tell(new StreamProtocol.Follow(TestActor));
        await ExpectMsgAsync(new StreamProtocol.Range(4, 5));
    }

    private static long SeqOf(ChannelProtocol.Reply reply) =>
        Newtonsoft.Json.Linq.JObject.Parse(reply.Response.PayloadJson).Value<long>("seq");
}
