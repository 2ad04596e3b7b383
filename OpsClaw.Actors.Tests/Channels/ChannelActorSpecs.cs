using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

public sealed class ChannelActorSpecs : ChannelSpecBase
{
    [Fact]
    public async Task Channel_should_answer_handler_failed_for_a_throwing_handler_and_keep_serving()
    {
        var channel = Sys.ActorOf(Props.Create(() => new FlakyChannel()));

        var failing = Ask(channel, "test.throw", runId: "bad");
        var good = Ask(channel, "test.echo", runId: "good", payloadJson: "[1]");

        AssertError(await ExpectReplyAsync(failing), "handler_failed", "handler for 'test.throw' failed", "bad");
        AssertSuccess(await ExpectReplyAsync(good), "test.echo.ok", "good", "[1]");
    }

    [Fact]
    public async Task Channel_should_never_put_exception_text_in_the_error()
    {
        var channel = Sys.ActorOf(Props.Create(() => new FlakyChannel()));

        var response = await ExpectReplyAsync(Ask(channel, "test.throw"));

        Assert.DoesNotContain("secret", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channel_should_answer_handler_failed_when_an_async_handler_faults()
    {
        var channel = Sys.ActorOf(Props.Create(() => new FlakyChannel()));

        var faulting = Ask(channel, "test.fault", runId: "f");
        var throwingBeforeTask = Ask(channel, "test.throw-sync-in-async", runId: "s");
        var good = Ask(channel, "test.async", runId: "a", payloadJson: "\"x\"");

        var replies = await ExpectRepliesAsync(3);

        AssertError(replies[faulting], "handler_failed", "handler for 'test.fault' failed", "f");
        AssertError(replies[throwingBeforeTask], "handler_failed", "handler for 'test.throw-sync-in-async' failed", "s");
        AssertSuccess(replies[good], "test.async.ok", "a", "\"x\"");
    }

    [Fact]
    public async Task Channel_should_refuse_two_handlers_for_one_message_type()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Akka.Event.Error));

        Sys.ActorOf(Props.Create(() => new FlakyChannel(true)));

        var error = await errors.ExpectMsgAsync<Akka.Event.Error>();
        var cause = error.Cause;
        while (cause is not null and not InvalidOperationException)
        {
            cause = cause.InnerException;
        }

        Assert.NotNull(cause);
        Assert.Contains("already has a handler for 'test.echo'", cause.Message, StringComparison.Ordinal);
    }

    private sealed class FlakyChannel : ChannelActor
    {
        public FlakyChannel(bool registerTwice = false)
            : base("flaky")
        {
            Handle("test.echo", "test.echo.ok", request => request.PayloadJson);
            Handle("test.throw", "test.throw.ok", _ => throw new InvalidOperationException("secret user data"));
            HandleAsync("test.async", "test.async.ok", async request =>
            {
                await Task.Yield();
                return request.PayloadJson;
            });
            HandleAsync("test.fault", "test.fault.ok", async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("secret");
            });
            HandleAsync("test.throw-sync-in-async", "x", _ => throw new InvalidOperationException("secret"));
            if (registerTwice)
            {
                Handle("test.echo", "again", _ => "{}");
            }
        }
    }
}
