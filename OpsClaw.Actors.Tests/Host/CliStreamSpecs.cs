using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw streams</c>, <c>pub</c>'s stream and seq, and <c>sub --stream --durable</c> (docs/api-reference.md,
/// "Command line"), the real executable against a <see cref="ScriptedPeer"/> playing the host through
/// <c>--socket</c>: what each sends and prints, without a host serving streams.
/// </summary>
public sealed class CliStreamSpecs : IDisposable
{
    private readonly PeerDir _host = new("peer.sock");

    public void Dispose() => _host.Dispose();

    private const string Report =
        "{\"storage\":\"sqlite\",\"streams\":[" +
        "{\"name\":\"audit\",\"subjects\":[\"audit.>\"],\"status\":\"recovering\",\"first_seq\":1,\"last_seq\":0,\"messages\":0,\"bytes\":0,\"consumers\":[]}," +
        "{\"name\":\"orders\",\"subjects\":[\"orders.>\",\"refunds.*\"],\"status\":\"ready\",\"first_seq\":3,\"last_seq\":1042,\"messages\":1040,\"bytes\":123456,\"consumers\":[" +
        "{\"name\":\"billing\",\"topic\":\"orders.eu.*\",\"acked_seq\":1000,\"pending\":7,\"members\":2}," +
        "{\"name\":\"shipping\",\"topic\":\">\",\"acked_seq\":12,\"pending\":0,\"members\":0}]}]}";

    [Fact]
    public async Task Streams_should_print_a_row_per_stream_then_one_per_consumer_with_figures_aligned()
    {
        var running = HostProcess.RunAsync(_host.Dir.Path, "streams", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            Assert.Equal((MessageTypes.ControlStreams, "{}"), Request(await host.ReadLineAsync()));
            await host.WriteAsync(Reply(MessageTypes.ControlStreamsOk, Report));
        }

        var (exitCode, stdout, stderr) = await running;

        Assert.Equal((0, ""), (exitCode, stderr));
        var lines = stdout.Split('\n');
        Assert.Equal(6, lines.Length);
        Assert.Equal("storage sqlite  streams 2", lines[0]);
        Assert.Matches("^STREAM +CONSUMER +SUBJECTS +STATUS +FIRST +LAST +MESSAGES +BYTES +ACKED +PENDING +MEMBERS$", lines[1]);
        Assert.Matches(@"^audit +- +audit\.> +recovering +1 +0 +0 +0 +- +- +-$", lines[2]);
        Assert.Matches(@"^orders +- +orders\.>,refunds\.\* +ready +3 +1042 +1040 +123456 +- +- +-$", lines[3]);
        Assert.Matches(@"^orders +billing +orders\.eu\.\* +- +- +- +- +- +1000 +7 +2$", lines[4]);
        Assert.Matches(@"^orders +shipping +> +- +- +- +- +- +12 +0 +0$", lines[5]);

        // Figures end under the end of their heading.
        var ackedEnd = lines[1].IndexOf("ACKED", StringComparison.Ordinal) + "ACKED".Length;
        Assert.All(lines[2..], line => Assert.Equal(' ', line[ackedEnd]));
        Assert.All(lines[2..], line => Assert.NotEqual(' ', line[ackedEnd - 1]));
    }

    [Fact]
    public async Task Streams_with_json_should_print_the_payload_and_a_refusal_should_exit_1()
    {
        var json = HostProcess.RunAsync(_host.Dir.Path, "streams", "--json", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            await host.ReadLineAsync();
            await host.WriteAsync(Reply(MessageTypes.ControlStreamsOk, Report));
        }

        Assert.Equal((0, Report, ""), await json);

        var refused = HostProcess.RunAsync(_host.Dir.Path, "streams", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            await host.ReadLineAsync();
            await host.WriteAsync(IpcCodec.EncodeResponse(IpcResponse.Failure(IpcErrors.UnsupportedMessageTypeCode, "unsupported control message_type 'control.streams'", null)));
        }

        Assert.Equal(
            (1, "", "opsclaw: control.streams failed: unsupported_message_type: unsupported control message_type 'control.streams'"),
            await refused);
    }

    [Theory]
    [InlineData("{\"matched\":0,\"stream\":\"orders\",\"seq\":42}", "matched 0  stream orders  seq 42")]
    [InlineData("{\"matched\":3}", "matched 3")]
    public async Task Pub_should_print_the_stream_and_seq_when_a_stream_stored_the_message(string ack, string printed)
    {
        var running = HostProcess.RunAsync(_host.Dir.Path, "pub", "orders.o1", "{\"total\":9.90}", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            Assert.Equal((MessageTypes.RuntimePublish, "{\"topic\":\"orders.o1\",\"body\":{\"total\":9.90}}"), Request(await host.ReadLineAsync()));
            await host.WriteAsync(Reply(MessageTypes.RuntimePublishAck, ack));
        }

        Assert.Equal((0, printed, ""), await running);
    }

    [Fact]
    public async Task Sub_with_a_durable_should_subscribe_to_the_whole_stream_print_each_delivery_then_ack_it()
    {
        const string Delivery = "{\"subscription\":\"s1\",\"topic\":\"orders.o1\",\"delivery\":1,\"redelivered\":false,\"body\":{\"n\":1},\"stream\":\"orders\",\"seq\":42}";
        var running = HostProcess.RunAsync(_host.Dir.Path, "sub", "--stream", "orders", "--durable", "worker", "--start", "all", "--count", "1", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            Assert.Equal(
                (MessageTypes.RuntimeSubscribe, "{\"topic\":\">\",\"ack\":\"explicit\",\"max_pending\":1000,\"stream\":\"orders\",\"durable\":\"worker\",\"start\":\"all\"}"),
                Request(await host.ReadLineAsync()));
            await host.WriteAsync([
                .. Reply(MessageTypes.RuntimeSubscribeAck, "{\"subscription\":\"s1\"}"),
                .. IpcCodec.EncodeResponse(IpcResponse.Success(MessageTypes.RuntimeMessage, null, Delivery)),
            ]);

            Assert.Equal((MessageTypes.RuntimeAck, "{\"subscription\":\"s1\",\"delivery\":1}"), Request(await host.ReadLineAsync()));
            await host.WriteAsync(Reply(MessageTypes.RuntimeAckOk, "{}"));
            Assert.Equal((MessageTypes.RuntimeUnsubscribe, "{\"subscription\":\"s1\"}"), Request(await host.ReadLineAsync()));
            await host.WriteAsync(Reply(MessageTypes.RuntimeUnsubscribeAck, "{}"));
        }

        Assert.Equal((0, Delivery, ""), await running);
    }

    [Fact]
    public async Task Sub_with_a_pattern_and_a_seq_should_send_the_seq_as_a_number()
    {
        var running = HostProcess.RunAsync(_host.Dir.Path, "sub", "orders.eu.*", "--stream", "orders", "--durable", "eu", "--start", "7", "--count", "1", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            Assert.Equal(
                (MessageTypes.RuntimeSubscribe, "{\"topic\":\"orders.eu.*\",\"ack\":\"explicit\",\"max_pending\":1000,\"stream\":\"orders\",\"durable\":\"eu\",\"start\":7}"),
                Request(await host.ReadLineAsync()));
            await host.WriteAsync(IpcCodec.EncodeResponse(IpcResponse.Failure(IpcErrors.InvalidPayloadCode, "no stream 'orders' is declared", null)));
        }

        Assert.Equal((1, "", "opsclaw: runtime.subscribe failed: invalid_payload: no stream 'orders' is declared"), await running);
    }

    private static (string Type, string Payload) Request(string? line)
    {
        Assert.NotNull(line);
        var request = JObject.Parse(line);
        return ((string)request["message_type"]!, (string)request["payload_json"]!);
    }

    private static byte[] Reply(string type, string payload) => IpcCodec.EncodeResponse(IpcResponse.Success(type, null, payload));
}
