using Akka.Actor;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Tests.Support;
using OpsClaw.Samples;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>The sample echo channel served on its own socket, with the transport every channel gets.</summary>
public sealed class CustomChannelSpecs : SocketSpecBase
{
    private static ChannelDefinition Echo(string name = "echo") => new(name, Props.Create<EchoChannel>(), typeof(EchoChannel));

    [Fact]
    public async Task Custom_channel_should_answer_on_its_own_socket_in_request_order_whatever_its_handlers_do()
    {
        var binding = await StartAsync("opsclaw.ipc.request-timeout = 2s", [ChannelDefinition.Control(), Echo()]);
        using var connection = await RawConnection.ConnectAsync(binding.PathOf("echo"));

        await connection.WriteAsync(
            RawConnection.Request("echo.sleep", "slow", "{\"Ms\":200}") +
            RawConnection.Request("echo.say", "fast", "{\"Text\":\"hi\"}") +
            RawConnection.Request("echo.sleep", "hang", "{\"Ms\":5000}") +
            RawConnection.Request("echo.tally", "t1") +
            RawConnection.Request("echo.crash", "crash") +
            RawConnection.Request("echo.tally", "t2") +
            RawConnection.Request("echo.say", "bad", "{\"Txt\":\"hi\"}") +
            "{not json}\n" +
            RawConnection.Request("runtime.ping", "wrong-socket"));

        var expected = new (string RunId, string Type, string? Code)[]
        {
            ("slow", "echo.sleep.ok", null),
            ("fast", "echo.say.ok", null),
            ("hang", "error", "timeout"),
            ("t1", "echo.tally.ok", null),
            ("crash", "error", "handler_failed"),
            ("t2", "echo.tally.ok", null),
            ("bad", "error", "invalid_payload"),
            (null!, "error", "malformed_json"),
            ("wrong-socket", "error", "unsupported_message_type"),
        };
        var replies = new List<JObject>();
        foreach (var _ in expected)
        {
            replies.Add(JObject.Parse((await connection.ReadLineAsync())!));
        }

        Assert.Equal(
            expected.Select(e => (e.RunId, e.Type, e.Code)),
            replies.Select(r => ((string?)r["run_id"], (string?)r["message_type"], (string?)r["error_code"]))!);
        Assert.Equal("{\"Text\":\"hi\",\"Length\":2}", (string?)replies[1]["payload_json"]);
        Assert.Equal("{\"Count\":1}", (string?)replies[5]["payload_json"]);
        Assert.Equal("invalid payload for 'echo.say': field 'Text' is required", (string?)replies[6]["error"]);
        Assert.Equal("unsupported echo message_type 'runtime.ping'", (string?)replies[8]["error"]);
    }

    [Fact]
    public async Task Custom_channel_should_take_its_own_socket_mode_and_admitted_uids()
    {
        var binding = await StartAsync(
            "opsclaw.ipc.channels.echo { socket-mode = \"0640\", allow-any-uid = off, allowed-uids = [4242] }",
            [ChannelDefinition.Runtime(), Echo()]);

        Assert.Equal((UnixFileMode)Convert.ToInt32("640", 8), File.GetUnixFileMode(binding.PathOf("echo")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("660", 8), File.GetUnixFileMode(binding.PathOf("runtime")));
        var echo = Settings("opsclaw.ipc.channels.echo { allow-any-uid = off, allowed-uids = [4242] }").ForChannel("echo");
        Assert.True(echo.Admits(4242, hostUid: 1000));
        Assert.False(echo.Admits(4243, hostUid: 1000));
        Assert.Equal("echo.say.ok", (string?)(await RequestAsync(binding.PathOf("echo"), "echo.say", "{\"Text\":\"x\"}"))["message_type"]);
    }

    [Theory]
    [InlineData("", "a channel name must not be empty")]
    [InlineData("bad/name", "channel name \"bad/name\" cannot name a socket file: use letters, digits, '-', '_' and '.', starting with a letter or digit")]
    [InlineData("..", "channel name \"..\" cannot name a socket file: use letters, digits, '-', '_' and '.', starting with a letter or digit")]
    [InlineData(".hidden", "channel name \".hidden\" cannot name a socket file: use letters, digits, '-', '_' and '.', starting with a letter or digit")]
    [InlineData("nul\u0000byte", "channel name \"nul\\u0000byte\" cannot name a socket file: use letters, digits, '-', '_' and '.', starting with a letter or digit")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789", "channel name \"0123456789012345678901234567890123456789012345678901234567890123…\" is longer than 64 characters")]
    public async Task Start_should_refuse_a_channel_name_that_cannot_name_a_socket_file(string name, string message)
    {
        var refused = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync("", [ChannelDefinition.Runtime(), Echo(name)]));

        Assert.Equal(message, refused.Message);
        Assert.False(Directory.Exists(Dir.SocketDir) && Directory.EnumerateFileSystemEntries(Dir.SocketDir).Any());
    }

    [Fact]
    public async Task Start_should_refuse_two_channels_with_one_name()
    {
        var refused = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync("", [Echo("twice"), Echo("twice")]));

        Assert.Equal("channel 'twice' is defined twice", refused.Message);
    }
}
