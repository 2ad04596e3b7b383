using Akka.Actor;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

public sealed class IntrospectionSpecs : SocketSpecBase
{
    [Fact]
    public async Task Control_channels_should_list_every_channel_with_its_socket_and_message_types()
    {
        var binding = await StartAsync();

        var channels = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.channels"));

        AssertJson(
            new JObject
            {
                ["channels"] = new JArray(
                    new JObject
                    {
                        ["name"] = "runtime",
                        ["socket_path"] = binding.PathOf("runtime"),
                        ["message_types"] = new JArray(
                            "runtime.ping", "runtime.forward", "runtime.publish", "runtime.subscribe", "runtime.unsubscribe", "runtime.ack", "runtime.nack"),
                    },
                    new JObject
                    {
                        ["name"] = "control",
                        ["socket_path"] = binding.PathOf("control"),
                        ["message_types"] = new JArray("control.health", "control.stop", "control.channels", "control.status", "control.topics", "control.streams", "control.cluster"),
                    },
                    new JObject
                    {
                        ["name"] = "test",
                        ["socket_path"] = binding.PathOf("test"),
                        ["message_types"] = new JArray("test.echo", "test.delay", "test.gated", "test.hang"),
                    }),
            },
            channels);
        Assert.StartsWith(Dir.SocketDir + "/", binding.PathOf("runtime"), StringComparison.Ordinal);
    }

    /// <summary>The contract takes any JSON object as these requests' payload, numbers beyond every .NET type included.</summary>
    [Theory]
    [InlineData("control.status", "{\"big\":1e400}")]
    [InlineData("control.status", "{\"tiny\":-1e-400,\"list\":[1e400]}")]
    [InlineData("control.channels", "{\"digits\":DIGITS}")]
    [InlineData("control.health", "{\"x\":1E+999999999}")]
    [InlineData("control.cluster", "{\"big\":1e400}")]
    public async Task Control_requests_should_accept_any_json_object_payload_even_with_numbers_no_type_holds(string messageType, string payload)
    {
        var binding = await StartAsync();

        var reply = await RequestAsync(binding.PathOf("control"), messageType, payload.Replace("DIGITS", new string('7', 400), StringComparison.Ordinal));

        Assert.True((bool?)reply["ok"], reply.ToString());
        Assert.Equal(messageType + ".ok", (string?)reply["message_type"]);
    }

    [Fact]
    public async Task Control_status_numbers_should_move_with_the_traffic_a_client_sends()
    {
        var binding = await StartAsync("opsclaw.ipc.request-timeout = 300ms");
        var before = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.status"));
        Assert.Equal(Environment.ProcessId, (int)before["pid"]!);
        Assert.Equal(0L, (long)Channel(before, "runtime")["requests"]!);

        using var runtime = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
        await runtime.WriteAsync(
            RawConnection.Request("runtime.ping", "p1") + RawConnection.Request("runtime.ping", "p2") +
            "{oops\n" + RawConnection.Request("runtime.nope", "u1"));
        for (var i = 0; i < 4; i++)
        {
            Assert.NotNull(await runtime.ReadLineAsync());
        }

        Assert.Equal("timeout", (string?)(await RequestAsync(binding.PathOf("test"), "test.hang"))["error_code"]);

        var after = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.status"));
        var runtimeNow = Channel(after, "runtime");
        Assert.Equal((1L, 1L, 4L), ((long)runtimeNow["connections_current"]!, (long)runtimeNow["connections_total"]!, (long)runtimeNow["requests"]!));
        AssertJson(new JObject { ["malformed_json"] = 1, ["unsupported_message_type"] = 1 }, runtimeNow["errors"]);
        Assert.True((double)runtimeNow["latency_p50_ms"]! > 0, after.ToString());
        Assert.True((double)runtimeNow["latency_p99_ms"]! >= (double)runtimeNow["latency_p50_ms"]!, after.ToString());
        var testNow = Channel(after, "test");
        Assert.Equal(1L, (long)testNow["requests"]!);
        AssertJson(new JObject { ["timeout"] = 1 }, testNow["errors"]);
        Assert.True((long)after["uptime_ms"]! >= (long)before["uptime_ms"]!);
        Assert.Equal(1L, (long)Channel(after, "control")["requests"]! - (long)Channel(before, "control")["requests"]!);

        runtime.Dispose();
        await AwaitAssertAsync(
            async () => Assert.Equal(0L, (long)Channel(PayloadOf(await RequestAsync(binding.PathOf("control"), "control.status")), "runtime")["connections_current"]!),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Control_status_should_count_refused_connections_as_errors_of_their_channel()
    {
        var binding = await StartAsync("opsclaw.ipc.max-connections = 1");
        using var first = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
        await first.WriteAsync(RawConnection.Request("runtime.ping"));
        Assert.NotNull(await first.ReadLineAsync());

        using var second = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
        Assert.Equal("overloaded", (string?)JObject.Parse((await second.ReadLineAsync())!)["error_code"]);

        var status = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.status"));
        AssertJson(new JObject { ["overloaded"] = 1 }, Channel(status, "runtime")["errors"]);
    }

    [Theory]
    [InlineData("control.status", "[1]", "an array")]
    [InlineData("control.status", "\"x\"", "a string")]
    [InlineData("control.channels", "null", "null")]
    [InlineData("control.channels", "5", "a number")]
    public async Task Control_introspection_should_refuse_a_payload_that_is_not_an_object(string messageType, string payload, string got)
    {
        var binding = await StartAsync();

        var reply = await RequestAsync(binding.PathOf("control"), messageType, payload);

        Assert.Equal("invalid_payload", (string?)reply["error_code"]);
        Assert.Equal($"invalid payload for '{messageType}': expected a JSON object, got {got}", (string?)reply["error"]);
    }

    [Fact]
    public async Task Control_channels_should_list_a_channel_that_is_not_a_channel_actor_with_no_message_types()
    {
        var binding = await StartAsync("", [
            Ipc.ChannelDefinition.Control(),
            new Ipc.ChannelDefinition("plain", Akka.Actor.Props.Create(() => new PlainChannel()), typeof(PlainChannel))]);

        var channels = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.channels"));

        var plain = ((JArray)channels["channels"]!).Single(channel => (string?)channel["name"] == "plain");
        AssertJson(new JObject { ["name"] = "plain", ["socket_path"] = binding.PathOf("plain"), ["message_types"] = new JArray() }, plain);
    }

    /// <summary>A channel written as a bare actor: it answers requests but cannot describe itself.</summary>
    private sealed class PlainChannel : Akka.Actor.ReceiveActor
    {
        public PlainChannel() => Receive<OpsClaw.Actors.Channels.ChannelProtocol.Request>(request => Sender.Tell(new OpsClaw.Actors.Channels.ChannelProtocol.Reply(
            request.Id, OpsClaw.Actors.Protocol.IpcResponse.Success("plain.ok", request.Envelope.RunId, "{}"))));
    }

    private static JObject Channel(JObject status, string name) =>
        (JObject)((JArray)status["channels"]!).Single(channel => (string?)channel["name"] == name);

    private static void AssertJson(JToken expected, JToken? actual) =>
        Assert.True(JToken.DeepEquals(expected, actual), $"expected {expected}\nactual {actual}");
}
