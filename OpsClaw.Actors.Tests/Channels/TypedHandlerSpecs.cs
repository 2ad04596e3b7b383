using Akka.Actor;
using OpsClaw.Actors.Channels;

namespace OpsClaw.Actors.Tests.Channels;

public sealed class TypedHandlerSpecs : ChannelSpecBase
{
    [Fact]
    public async Task Typed_handler_should_read_the_payload_and_write_the_reply_as_json()
    {
        var channel = Sys.ActorOf(Props.Create(() => new TypedChannel()));

        var id = Ask(channel, "typed.add", "r1", "{\"a\":2,\"b\":40,\"note\":\"unknown fields are ignored\"}");

        AssertSuccess(await ExpectReplyAsync(id), "typed.add.ok", "r1", "{\"sum\":42,\"label\":null}");
    }

    [Theory]
    [InlineData("{\"a\":1}", "invalid payload for 'typed.add': field 'b' is required")]
    [InlineData("{\"a\":\"x\",\"b\":1}", "invalid payload for 'typed.add': field 'a' must be a whole number from -2147483648 to 2147483647")]
    [InlineData("{\"a\":null,\"b\":1}", "invalid payload for 'typed.add': field 'a' must not be null")]
    [InlineData("[1,2]", "invalid payload for 'typed.add': expected a JSON object, got an array")]
    [InlineData("7", "invalid payload for 'typed.add': expected a JSON object, got a number")]
    [InlineData("null", "invalid payload for 'typed.add': expected a JSON object, got null")]
    [InlineData("{\"a\":1,\"b\":123456789012345678901234567890}", "invalid payload for 'typed.add': field 'b' must be a whole number from -2147483648 to 2147483647")]
    [InlineData("{\"a\":1,\"b\":{\"x\":1}}", "invalid payload for 'typed.add': field 'b' must be a whole number from -2147483648 to 2147483647")]
    [InlineData("{\"a\":1,\"b\":99999999999}", "invalid payload for 'typed.add': field 'b' must be a whole number from -2147483648 to 2147483647")]
    public async Task Typed_handler_should_answer_invalid_payload_naming_what_does_not_fit(string payload, string error)
    {
        var channel = Sys.ActorOf(Props.Create(() => new TypedChannel()));

        var response = await ExpectReplyAsync(Ask(channel, "typed.add", "r2", payload));

        AssertError(response, "invalid_payload", error, "r2");
    }

    [Fact]
    public async Task Typed_handler_should_treat_a_missing_non_nullable_property_as_a_missing_field()
    {
        var channel = Sys.ActorOf(Props.Create(() => new TypedChannel()));

        var missing = Ask(channel, "typed.greet", "m", "{\"title\":\"Dr\"}");
        var present = Ask(channel, "typed.greet", "p", "{\"name\":\"Ada\"}");
        var dateLike = Ask(channel, "typed.greet", "d", "{\"name\":\"2024-01-01T00:00:00+05:00\"}");

        AssertError(await ExpectReplyAsync(missing), "invalid_payload", "invalid payload for 'typed.greet': field 'name' is required", "m");
        AssertSuccess(await ExpectReplyAsync(present), "typed.greet.ok", "p", "\"hello Ada\"");
        AssertSuccess(await ExpectReplyAsync(dateLike), "typed.greet.ok", "d", "\"hello 2024-01-01T00:00:00+05:00\"");
    }

    [Fact]
    public async Task Typed_async_handler_should_answer_invalid_payload_and_handler_failed_and_keep_serving()
    {
        var channel = Sys.ActorOf(Props.Create(() => new TypedChannel()));

        var invalid = Ask(channel, "typed.later", "i", "{\"delay\":\"soon\"}");
        var throwing = Ask(channel, "typed.later", "t", "{\"delay\":-5}");
        var good = Ask(channel, "typed.later", "g", "{\"delay\":1}");

        var replies = await ExpectRepliesAsync(3);

        AssertError(replies[invalid], "invalid_payload", "invalid payload for 'typed.later': field 'delay' must be a whole number from -2147483648 to 2147483647", "i");
        AssertError(replies[throwing], "handler_failed", "handler for 'typed.later' failed", "t");
        AssertSuccess(replies[good], "typed.later.ok", "g", "{\"waited\":1}");
    }

    [Fact]
    public async Task Channel_should_describe_the_message_types_it_answers_in_registration_order()
    {
        var channel = Sys.ActorOf(Props.Create(() => new TypedChannel()), "typed");

        channel.Tell(ChannelProtocol.Describe.Instance, TestActor);

        var description = await ExpectMsgAsync<ChannelProtocol.Description>();
        Assert.Equal("typed", description.Channel);
        Assert.Equal(["typed.add", "typed.greet", "typed.later"], description.MessageTypes);
    }

    private sealed record AddRequest(
        [property: Newtonsoft.Json.JsonProperty("a", Required = Newtonsoft.Json.Required.Always)] int A,
        [property: Newtonsoft.Json.JsonProperty("b", Required = Newtonsoft.Json.Required.Always)] int B);

    private sealed record AddReply(
        [property: Newtonsoft.Json.JsonProperty("sum")] int Sum,
        [property: Newtonsoft.Json.JsonProperty("label")] string? Label);

    private sealed record GreetRequest(
        [property: Newtonsoft.Json.JsonProperty("name")] string Name,
        [property: Newtonsoft.Json.JsonProperty("title")] string? Title);

    private sealed record LaterRequest([property: Newtonsoft.Json.JsonProperty("delay")] int Delay);

    private sealed record LaterReply([property: Newtonsoft.Json.JsonProperty("waited")] int Waited);

    private sealed class TypedChannel : ChannelActor
    {
        public TypedChannel()
        {
            Handle<AddRequest, AddReply>("typed.add", "typed.add.ok", add => new AddReply(add.A + add.B, null));
            Handle<GreetRequest, string>("typed.greet", "typed.greet.ok", greet => $"hello {greet.Name}");
            HandleAsync<LaterRequest, LaterReply>("typed.later", "typed.later.ok", async later =>
            {
                await Task.Delay(later.Delay);
                return new LaterReply(later.Delay);
            });
        }
    }
}
