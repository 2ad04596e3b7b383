using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// A connection whose channel is a <see cref="ChannelActor"/> sends one read's requests as one
/// <see cref="ChannelProtocol.RequestBatch"/>: every request is still answered exactly once, the
/// ones answered at once together in one <see cref="ChannelProtocol.ReplyBatch"/>, the rest each
/// in its own <see cref="ChannelProtocol.Reply"/>.
/// </summary>
public sealed class RequestBatchSpecs : ChannelSpecBase
{
    [Fact]
    public async Task Replies_given_at_once_come_back_in_one_batch_in_request_order()
    {
        var channel = Sys.ActorOf(Props.Create(() => new MixedChannel()));

        channel.Tell(Batch(
            (1, "test.echo", "\"a\""),
            (2, "test.unknown", "{}"),
            (3, "test.throw", "{}"),
            (4, "test.echo", "\"b\"")), Client.Ref);

        var batch = await Client.ExpectMsgAsync<ChannelProtocol.ReplyBatch>();
        Assert.Equal([1L, 2L, 3L, 4L], batch.Replies.Take(batch.Count).Select(reply => reply.Id));
        AssertSuccess(batch.Replies[0].Response, "test.echo.ok", "r1", "\"a\"");
        Assert.Equal("unsupported_message_type", batch.Replies[1].Response.ErrorCode);
        AssertError(batch.Replies[2].Response, "handler_failed", "handler for 'test.throw' failed", "r3");
        AssertSuccess(batch.Replies[3].Response, "test.echo.ok", "r4", "\"b\"");
        await Client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Requests_answered_later_get_their_own_reply_and_the_rest_still_come_as_one_batch()
    {
        var channel = Sys.ActorOf(Props.Create(() => new MixedChannel()));

        channel.Tell(Batch(
            (1, "test.async", "\"later\""),
            (2, "test.echo", "\"now\""),
            (3, "test.child", "\"child\"")), Client.Ref);

        var batches = new List<ChannelProtocol.ReplyBatch>();
        var singles = new Dictionary<long, IpcResponse>();
        for (var received = 0; received < 3;)
        {
            var message = await Client.ReceiveOneAsync(TimeSpan.FromSeconds(5));
            switch (message)
            {
                case ChannelProtocol.ReplyBatch batch:
                    batches.Add(batch);
                    received += batch.Count;
                    break;
                case ChannelProtocol.Reply reply:
                    singles.Add(reply.Id, reply.Response);
                    received++;
                    break;
                default:
                    Assert.Fail($"unexpected {message}");
                    break;
            }
        }

        var only = Assert.Single(batches);
        Assert.Equal(1, only.Count);
        AssertSuccess(only.Replies[0].Response, "test.echo.ok", "r2", "\"now\"");
        AssertSuccess(singles[1], "test.async.ok", "r1", "\"later\"");
        AssertSuccess(singles[3], "test.child.ok", "r3", "\"child\"");
        await Client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_batch_answered_only_later_sends_no_empty_batch()
    {
        var channel = Sys.ActorOf(Props.Create(() => new MixedChannel()));

        channel.Tell(Batch((7, "test.async", "1")), Client.Ref);

        var reply = await Client.ExpectMsgAsync<ChannelProtocol.Reply>();
        Assert.Equal(7, reply.Id);
        await Client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Only_a_channel_actor_is_sent_batches()
    {
        var probe = CreateTestProbe();

        Assert.True(ChannelTarget.Of(probe.Ref, Props.Create(() => new MixedChannel())).TakesBatches);
        Assert.True(ChannelTarget.Of(probe.Ref, RuntimeChannelActor.Props()).TakesBatches);
        Assert.False(ChannelTarget.Of(probe.Ref, Props.Create(() => new PlainChannel())).TakesBatches);
    }

    private static ChannelProtocol.RequestBatch Batch(params (long Id, string MessageType, string Payload)[] requests) =>
        new([.. requests.Select(request => new ChannelProtocol.Request(request.Id, new IpcRequest(request.MessageType, $"r{request.Id}", request.Payload)))]);

    private sealed class MixedChannel : ChannelActor
    {
        public MixedChannel()
            : base("mixed")
        {
            Handle("test.echo", "test.echo.ok", request => request.PayloadJson);
            Handle("test.throw", "test.throw.ok", _ => throw new InvalidOperationException("secret"));
            HandleAsync("test.async", "test.async.ok", async request =>
            {
                await Task.Yield();
                return request.PayloadJson;
            });
            Route("test.child", Context.ActorOf(Props.Create(() => new EchoHandler()), "child"));
        }
    }

    private sealed class EchoHandler : ChannelHandlerActor
    {
        public EchoHandler()
        {
            Handle<string, string>("test.child", "test.child.ok", payload => payload);
        }
    }

    private sealed class PlainChannel : ReceiveActor
    {
        public PlainChannel()
        {
            ReceiveAny(_ => { });
        }
    }
}
