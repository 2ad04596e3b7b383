using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

public sealed class RuntimeChannelSpecs : ChannelSpecBase
{
    [Fact]
    public async Task Runtime_channel_should_answer_ping_with_pong_and_echo_the_run_id()
    {
        var runtime = Sys.ActorOf(RuntimeChannelActor.Props());

        var id = Ask(runtime, MessageTypes.RuntimePing, runId: "r1");

        var response = await ExpectReplyAsync(id);
        AssertSuccess(response, "runtime.pong", "r1", "{\"status\":\"ok\"}");
    }

    [Fact]
    public async Task Runtime_channel_should_reply_with_a_null_run_id_when_the_request_has_none()
    {
        var runtime = Sys.ActorOf(RuntimeChannelActor.Props());

        var response = await ExpectReplyAsync(Ask(runtime, MessageTypes.RuntimePing));

        Assert.Null(response.RunId);
        Assert.True(response.Ok);
    }

    [Fact]
    public async Task Runtime_channel_should_acknowledge_forward_whatever_the_payload()
    {
        var runtime = Sys.ActorOf(RuntimeChannelActor.Props());

        var id = Ask(runtime, MessageTypes.RuntimeForward, runId: "f-7", payloadJson: "{\"task\":[1,2,{\"deep\":null}]}");

        AssertSuccess(await ExpectReplyAsync(id), "runtime.forward.ack", "f-7", "{\"accepted\":true}");
    }

    [Theory]
    [InlineData("control.health")]
    [InlineData("control.stop")]
    [InlineData("runtime.unknown")]
    [InlineData("")]
    public async Task Runtime_channel_should_refuse_types_it_does_not_handle_naming_itself(string messageType)
    {
        var runtime = Sys.ActorOf(RuntimeChannelActor.Props());

        var response = await ExpectReplyAsync(Ask(runtime, messageType, runId: "x"));

        AssertError(response, "unsupported_message_type", $"unsupported runtime message_type '{messageType}'", "x");
    }

    [Fact]
    public async Task Runtime_channel_should_answer_each_request_exactly_once_in_the_order_sent()
    {
        var runtime = Sys.ActorOf(RuntimeChannelActor.Props());

        var ids = Enumerable.Range(0, 50).Select(i => Ask(runtime, i % 2 == 0 ? "runtime.ping" : "nope", runId: $"r{i}")).ToList();

        foreach (var id in ids)
        {
            await ExpectReplyAsync(id);
        }

        await Client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }
}
