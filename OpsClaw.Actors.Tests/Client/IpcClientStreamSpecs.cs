using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// The stream side of <see cref="IpcClient"/> (docs/broker.md, "Streams") against a <see cref="ScriptedPeer"/>
/// playing the host: what a durable subscribe sends, the stream and sequence number of deliveries and
/// publish acks read back, and <c>control.streams</c>. No host with streams is needed.
/// </summary>
public sealed class IpcClientStreamSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly PeerDir _host = new("runtime.sock");

    public void Dispose() => _host.Dispose();

    public static TheoryData<string, string> Starts => new()
    {
        { "null", "{\"topic\":\">\",\"ack\":\"explicit\",\"max_pending\":1000,\"stream\":\"orders\",\"durable\":\"worker\"}" },
        { "new", "{\"topic\":\">\",\"ack\":\"explicit\",\"max_pending\":1000,\"stream\":\"orders\",\"durable\":\"worker\",\"start\":\"new\"}" },
        { "all", "{\"topic\":\">\",\"ack\":\"explicit\",\"max_pending\":1000,\"stream\":\"orders\",\"durable\":\"worker\",\"start\":\"all\"}" },
        { "42", "{\"topic\":\">\",\"ack\":\"explicit\",\"max_pending\":1000,\"stream\":\"orders\",\"durable\":\"worker\",\"start\":42}" },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task A_durable_subscribe_should_send_the_stream_the_durable_and_its_start_with_explicit_acks(string start, string payload)
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        // Ack is left at its default, None: a durable consumer is explicit all the same.
        var options = new SubscribeOptions { Stream = "orders", Durable = "worker", Start = start == "null" ? null : Parse(start) };
        var subscribing = client.SubscribeAsync(">", options);
        Assert.Equal((MessageTypes.RuntimeSubscribe, payload), Request(await host.ReadLineAsync()));
        await host.WriteAsync(Reply(MessageTypes.RuntimeSubscribeAck, "{\"subscription\":\"s1\"}"));

        var subscription = await subscribing.WaitAsync(Bound);
        Assert.Equal((AckMode.Explicit, "orders", "worker"), (subscription.Ack, subscription.Stream, subscription.Durable));
    }

    [Fact]
    public async Task A_live_subscribe_should_send_no_stream_fields()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var subscribing = client.SubscribeAsync("orders.>", new SubscribeOptions { Group = "g" });
        Assert.Equal(
            (MessageTypes.RuntimeSubscribe, "{\"topic\":\"orders.>\",\"group\":\"g\",\"ack\":\"none\",\"max_pending\":1000}"),
            Request(await host.ReadLineAsync()));
        await host.WriteAsync(Reply(MessageTypes.RuntimeSubscribeAck, "{\"subscription\":\"s1\"}"));

        var subscription = await subscribing.WaitAsync(Bound);
        Assert.Equal((AckMode.None, null, null), (subscription.Ack, subscription.Stream, subscription.Durable));
    }

    [Fact]
    public async Task A_stream_delivery_should_carry_its_stream_and_seq_and_its_payload_as_the_host_wrote_it()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscribing = client.SubscribeAsync(">", new SubscribeOptions { Stream = "orders", Durable = "worker" });
        await host.ReadLineAsync();

        const string Stored = "{\"subscription\":\"s1\",\"topic\":\"orders.o1\",\"delivery\":1,\"redelivered\":false,\"body\":{\"n\":1.50},\"key\":\"o1\",\"dropped\":3,\"stream\":\"orders\",\"seq\":42}";
        const string Again = "{\"subscription\":\"s1\",\"topic\":\"orders.o1\",\"delivery\":2,\"redelivered\":true,\"body\":{\"n\":1.50},\"key\":\"o1\",\"stream\":\"orders\",\"seq\":42}";
        await host.WriteAsync([
            .. Reply(MessageTypes.RuntimeSubscribeAck, "{\"subscription\":\"s1\"}"),
            .. Push(Stored),
            .. Push(Again),
        ]);
        var subscription = await subscribing.WaitAsync(Bound);

        var deliveries = await subscription.TakeAsync(2);
        Assert.Equal(
            [("orders.o1", 1L, false, "{\"n\":1.50}", "o1", 3L, "orders", 42L), ("orders.o1", 2L, true, "{\"n\":1.50}", "o1", 0L, "orders", 42L)],
            deliveries.Select(d => (d.Topic, d.DeliveryNumber, d.Redelivered, d.Body, d.Key, d.Dropped, d.Stream, d.Seq)));
        Assert.Equal([Stored, Again], deliveries.Select(delivery => delivery.PayloadJson));

        // Settled by delivery number, as any explicit-ack delivery: the host maps it to the sequence number.
        var ack = deliveries[1].AckAsync();
        Assert.Equal((MessageTypes.RuntimeAck, "{\"subscription\":\"s1\",\"delivery\":2}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync(Reply(MessageTypes.RuntimeAckOk, "{}"));
        await ack.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_live_delivery_should_have_no_stream_or_seq()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscribing = client.SubscribeAsync("t");
        await host.ReadLineAsync();
        await host.WriteAsync([
            .. Reply(MessageTypes.RuntimeSubscribeAck, "{\"subscription\":\"s1\"}"),
            .. Push("{\"subscription\":\"s1\",\"topic\":\"t\",\"delivery\":1,\"redelivered\":false,\"body\":1}"),
        ]);
        var subscription = await subscribing.WaitAsync(Bound);

        var delivery = Assert.Single(await subscription.TakeAsync(1));
        Assert.Equal((null, null), (delivery.Stream, delivery.Seq));
    }

    [Fact]
    public async Task A_delivery_whose_seq_is_not_a_number_should_fail_the_connection()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscribing = client.SubscribeAsync(">", new SubscribeOptions { Stream = "orders", Durable = "worker" });
        await host.ReadLineAsync();
        await host.WriteAsync([
            .. Reply(MessageTypes.RuntimeSubscribeAck, "{\"subscription\":\"s1\"}"),
            .. Push("{\"subscription\":\"s1\",\"topic\":\"orders.a\",\"delivery\":1,\"redelivered\":false,\"body\":1,\"stream\":\"orders\",\"seq\":\"42\"}"),
        ]);
        var subscription = await subscribing.WaitAsync(Bound);

        var failure = await Assert.ThrowsAsync<IOException>(() => subscription.TakeAsync(1));
        Assert.StartsWith($"{_host.Peer.Path} sent a runtime.message whose payload is not a delivery (", failure.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task PublishWithAck_should_give_the_stream_and_seq_and_PublishAsync_still_matched()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var stored = client.PublishWithAckAsync("orders.o1", "{\"total\":9.90}", key: "o1");
        var live = client.PublishWithAckAsync("runs.r1", new JObject { ["a"] = 1 });
        var matched = client.PublishAsync("orders.o2", "2");
        Assert.Equal((MessageTypes.RuntimePublish, "{\"topic\":\"orders.o1\",\"body\":{\"total\":9.90},\"key\":\"o1\"}"), Request(await host.ReadLineAsync()));
        Assert.Equal((MessageTypes.RuntimePublish, "{\"topic\":\"runs.r1\",\"body\":{\"a\":1}}"), Request(await host.ReadLineAsync()));
        Assert.Equal(MessageTypes.RuntimePublish, Request(await host.ReadLineAsync()).Type);
        await host.WriteAsync([
            .. Reply(MessageTypes.RuntimePublishAck, "{\"matched\":0,\"stream\":\"orders\",\"seq\":42}"),
            .. Reply(MessageTypes.RuntimePublishAck, "{\"matched\":2}"),
            .. Reply(MessageTypes.RuntimePublishAck, "{\"matched\":1,\"stream\":\"orders\",\"seq\":43}"),
        ]);

        Assert.Equal(new PublishAckPayload(0, "orders", 42), await stored.WaitAsync(Bound));
        Assert.Equal(new PublishAckPayload(2), await live.WaitAsync(Bound));
        Assert.Equal(1, await matched.WaitAsync(Bound));
    }

    [Fact]
    public async Task Streams_should_read_the_report_and_an_error_reply_should_throw_with_its_code()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var asking = client.StreamsAsync();
        Assert.Equal((MessageTypes.ControlStreams, "{}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync(Reply(
            MessageTypes.ControlStreamsOk,
            "{\"storage\":\"sqlite\",\"streams\":[{\"name\":\"orders\",\"subjects\":[\"orders.>\"],\"status\":\"ready\",\"first_seq\":3,\"last_seq\":42," +
            "\"messages\":40,\"bytes\":1234,\"consumers\":[{\"name\":\"worker\",\"topic\":\">\",\"acked_seq\":40,\"pending\":2,\"members\":1}]}]}"));

        var report = await asking.WaitAsync(Bound);
        Assert.Equal("sqlite", report.Storage);
        var stream = Assert.Single(report.Streams);
        Assert.Equal(("orders", "orders.>", "ready", 3L, 42L, 40L, 1234L), (stream.Name, Assert.Single(stream.Subjects), stream.Status, stream.FirstSeq, stream.LastSeq, stream.Messages, stream.Bytes));
        Assert.Equal(new StreamConsumerInfo("worker", ">", 40, 2, 1), Assert.Single(stream.Consumers));

        var refused = client.StreamsAsync();
        await host.ReadLineAsync();
        await host.WriteAsync(IpcCodec.EncodeResponse(IpcResponse.Failure(IpcErrors.UnsupportedMessageTypeCode, "unsupported message type 'control.streams'", null)));
        var failure = await Assert.ThrowsAsync<IpcRequestException>(() => refused.WaitAsync(Bound));
        Assert.Equal((IpcErrors.UnsupportedMessageTypeCode, MessageTypes.ControlStreams), (failure.ErrorCode, failure.RequestType));

        var garbled = client.StreamsAsync();
        await host.ReadLineAsync();
        await host.WriteAsync(Reply(MessageTypes.ControlStreamsOk, "{\"storage\":\"sqlite\"}"));
        var unreadable = await Assert.ThrowsAsync<IOException>(() => garbled.WaitAsync(Bound));
        Assert.StartsWith($"{_host.Peer.Path} answered control.streams with a payload that is not a streams report: ", unreadable.Message, StringComparison.Ordinal);
    }

    private static StreamStart Parse(string text)
    {
        Assert.True(StreamStart.TryParse(text, out var start));
        return start!;
    }

    private static (string Type, string Payload) Request(string? line)
    {
        Assert.NotNull(line);
        var request = JObject.Parse(line);
        return ((string)request["message_type"]!, (string)request["payload_json"]!);
    }

    private static byte[] Reply(string type, string payload) => IpcCodec.EncodeResponse(IpcResponse.Success(type, null, payload));

    private static byte[] Push(string payload) => IpcCodec.EncodeResponse(IpcResponse.Success(MessageTypes.RuntimeMessage, null, payload));
}
