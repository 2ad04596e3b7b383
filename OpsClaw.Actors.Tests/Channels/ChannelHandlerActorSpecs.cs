using Akka.Actor;
using OpsClaw.Samples;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>The sample EchoChannel of docs/extending.md, driven by a probe: typed handlers and a stateful child.</summary>
public sealed class ChannelHandlerActorSpecs : ChannelSpecBase
{
    [Fact]
    public async Task Crashing_child_handler_should_fail_only_its_request_and_restart_with_fresh_state()
    {
        var channel = Sys.ActorOf(Props.Create<EchoChannel>(), "echo");

        var first = Ask(channel, "echo.tally", "t1");
        var second = Ask(channel, "echo.tally", "t2");
        var crash = Ask(channel, "echo.crash", "c");
        var afterCrash = Ask(channel, "echo.tally", "t3");
        var say = Ask(channel, "echo.say", "s", "{\"Text\":\"héllo\"}");

        // The channel answers echo.say itself while its child works through the tallies: collect by id.
        var replies = await ExpectRepliesAsync(5);

        AssertSuccess(replies[first], "echo.tally.ok", "t1", "{\"Count\":1}");
        AssertSuccess(replies[second], "echo.tally.ok", "t2", "{\"Count\":2}");
        AssertError(replies[crash], "handler_failed", "handler for 'echo.crash' failed", "c");
        AssertSuccess(replies[afterCrash], "echo.tally.ok", "t3", "{\"Count\":1}");
        AssertSuccess(replies[say], "echo.say.ok", "s", "{\"Text\":\"héllo\",\"Length\":5}");
    }

    [Fact]
    public async Task Child_handler_should_answer_a_bad_payload_without_losing_its_state()
    {
        var channel = Sys.ActorOf(Props.Create<EchoChannel>(), "echo");

        var first = Ask(channel, "echo.tally", "t1");
        var bad = Ask(channel, "echo.tally", "b", "[]");
        var second = Ask(channel, "echo.tally", "t2");

        AssertSuccess(await ExpectReplyAsync(first), "echo.tally.ok", "t1", "{\"Count\":1}");
        AssertError(await ExpectReplyAsync(bad), "invalid_payload", "invalid payload for 'echo.tally': expected a JSON object, got an array", "b");
        AssertSuccess(await ExpectReplyAsync(second), "echo.tally.ok", "t2", "{\"Count\":2}");
    }

    [Fact]
    public async Task Child_handler_should_answer_unsupported_types_in_its_channels_name()
    {
        var channel = Sys.ActorOf(Props.Create<EchoChannel>(), "echo");

        var unknown = Ask(channel, "echo.nope", "u");

        AssertError(await ExpectReplyAsync(unknown), "unsupported_message_type", "unsupported echo message_type 'echo.nope'", "u");
    }
}
