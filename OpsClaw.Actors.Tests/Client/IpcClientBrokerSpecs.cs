using System.Text;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// The broker side of <see cref="IpcClient"/> (docs/api-reference.md, "Client") against a
/// <see cref="ScriptedPeer"/> playing the host, so every line and its timing is the spec's choice:
/// deliveries between replies, a delivery right behind its subscribe ack in the same write, pushes for
/// subscriptions the client does not know, a full buffer, errors, and the connection going away.
/// </summary>
public sealed class IpcClientBrokerSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly PeerDir _host = new("runtime.sock");

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Deliveries_between_replies_should_go_to_their_subscription_and_replies_to_their_requests()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var subscribing = client.SubscribeAsync("runs.>");
        Assert.Equal(
            (MessageTypes.RuntimeSubscribe, "{\"topic\":\"runs.>\",\"ack\":\"none\",\"max_pending\":1000}"),
            Request(await host.ReadLineAsync()));

        // The first delivery right behind the ack, in the same write: the subscription must exist by then.
        await host.WriteAsync([.. SubscribeAck("s1"), .. Push("s1", 1, "runs.r1", "{\"n\":1.50,\"e\":1e3}", runId: "pub-1")]);
        var subscription = await subscribing.WaitAsync(Bound);
        Assert.Equal(("s1", "runs.>", AckMode.None, 1000), (subscription.Id, subscription.Pattern, subscription.Ack, subscription.MaxPending));

        var first = client.PublishAsync("runs.r2", "[1, 2]", key: "k2", runId: "pub-2");
        var second = client.PublishAsync("runs.r3", new JObject { ["ok"] = true });
        Assert.Equal((MessageTypes.RuntimePublish, "{\"topic\":\"runs.r2\",\"body\":[1, 2],\"key\":\"k2\"}"), Request(await host.ReadLineAsync()));
        Assert.Equal((MessageTypes.RuntimePublish, "{\"topic\":\"runs.r3\",\"body\":{\"ok\":true}}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync([
            .. Push("s1", 2, "runs.r2", "[1,2]", key: "k2", runId: "pub-2"),
            .. Reply(MessageTypes.RuntimePublishAck, "{\"matched\":1}"),
            .. Push("s1", 3, "runs.r3", "{\"ok\":true}"),
            .. Reply(MessageTypes.RuntimePublishAck, "{\"matched\":2}"),
        ]);

        Assert.Equal(1, await first.WaitAsync(Bound));
        Assert.Equal(2, await second.WaitAsync(Bound));
        var deliveries = await subscription.TakeAsync(3);
        Assert.Equal(
            [
                ("s1", "runs.r1", 1L, false, "{\"n\":1.50,\"e\":1e3}", null, 0L, "pub-1"),
                ("s1", "runs.r2", 2L, false, "[1,2]", "k2", 0L, "pub-2"),
                ("s1", "runs.r3", 3L, false, "{\"ok\":true}", null, 0L, null),
            ],
            deliveries.Select(Fields));
        Assert.Equal(Payload("s1", 2, "runs.r2", "[1,2]", key: "k2"), deliveries[1].PayloadJson);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_delivery_for_a_subscription_the_client_does_not_know_should_be_ignored()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscription = await SubscribeAsync(client, host, "s1");

        var ping = client.SendAsync(MessageTypes.RuntimePing);
        await host.ReadLineAsync();
        await host.WriteAsync([
            .. Push("s7", 1, "runs.x", "1"),
            .. Push("s1", 1, "runs.y", "2"),
            .. Push("s7", 2, "runs.x", "3"),
            .. Reply(MessageTypes.RuntimePong, "{\"status\":\"ok\"}"),
        ]);

        Assert.Equal(MessageTypes.RuntimePong, (await ping.WaitAsync(Bound)).MessageType);
        Assert.Equal(["2"], (await subscription.TakeAsync(1)).Select(delivery => delivery.Body));
        Assert.True(client.IsConnected);

        // Nothing else is waiting: the pushes for s7 did not reach s1.
        await host.WriteAsync(Push("s1", 2, "runs.y", "4"));
        Assert.Equal(["4"], (await subscription.TakeAsync(1)).Select(delivery => delivery.Body));
    }

    [Fact]
    public async Task The_enumeration_should_fault_with_an_IOException_when_the_host_closes_the_connection()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        var host = await _host.Peer.AcceptAsync();
        var subscription = await SubscribeAsync(client, host, "s1");

        await host.WriteAsync(Push("s1", 1, "runs.a", "true"));
        host.Dispose();

        var seen = new List<string>();
        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var delivery in subscription.Deliveries.WithCancellation(new CancellationTokenSource(Bound).Token))
            {
                seen.Add(delivery.Body);
            }
        });
        Assert.Equal(["true"], seen);
        Assert.Equal($"{_host.Peer.Path} closed the connection", failure.Message);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Unsubscribe_should_end_the_enumeration_after_the_deliveries_that_came_before_the_host_confirmed()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscription = await SubscribeAsync(client, host, "s1");

        var unsubscribing = subscription.UnsubscribeAsync();
        Assert.Equal((MessageTypes.RuntimeUnsubscribe, "{\"subscription\":\"s1\"}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync([
            .. Push("s1", 1, "runs.a", "\"before\""),
            .. Reply(MessageTypes.RuntimeUnsubscribeAck, "{}"),
            .. Push("s1", 2, "runs.a", "\"after\""),
        ]);
        await unsubscribing.WaitAsync(Bound);

        var seen = new List<string>();
        await foreach (var delivery in subscription.Deliveries.WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            seen.Add(delivery.Body);
        }

        Assert.Equal(["\"before\""], seen);

        // Done once: a second unsubscribe, and disposing, send nothing more.
        await subscription.UnsubscribeAsync().WaitAsync(Bound);
        await subscription.DisposeAsync();
        client.CompleteWrites();
        Assert.Null(await host.ReadLineAsync());
    }

    [Fact]
    public async Task An_error_reply_should_throw_IpcRequestException_with_its_code()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var publish = client.PublishAsync("jobs.a", "{}");
        await host.ReadLineAsync();
        await host.WriteAsync(Error(IpcErrors.OverloadedCode, "the group 'w' of jobs.> has 10 messages queued (broker.max-queued); the publish was not stored"));
        var refused = await Assert.ThrowsAsync<IpcRequestException>(() => publish.WaitAsync(Bound));
        Assert.Equal((IpcErrors.OverloadedCode, MessageTypes.RuntimePublish), (refused.ErrorCode, refused.RequestType));
        Assert.Equal("runtime.publish failed: overloaded: the group 'w' of jobs.> has 10 messages queued (broker.max-queued); the publish was not stored", refused.Message);

        var subscribe = client.SubscribeAsync("jobs.>");
        await host.ReadLineAsync();
        await host.WriteAsync(Error(IpcErrors.LimitExceededCode, "subscription limit (1000) reached"));
        Assert.Equal(IpcErrors.LimitExceededCode, (await Assert.ThrowsAsync<IpcRequestException>(() => subscribe.WaitAsync(Bound))).ErrorCode);

        var subscription = await SubscribeAsync(client, host, "s2", new SubscribeOptions { Ack = AckMode.Explicit });
        await host.WriteAsync(Push("s2", 1, "jobs.a", "{}"));
        var delivery = Assert.Single(await subscription.TakeAsync(1));
        var ack = delivery.AckAsync();
        await host.ReadLineAsync();
        await host.WriteAsync(Error(IpcErrors.UnknownDeliveryCode, "unknown delivery 1 of 's2'"));
        Assert.Equal(IpcErrors.UnknownDeliveryCode, (await Assert.ThrowsAsync<IpcRequestException>(() => ack.WaitAsync(Bound))).ErrorCode);

        // The connection is as usable as before every one of them.
        var ping = client.SendAsync(MessageTypes.RuntimePing);
        await host.ReadLineAsync();
        await host.WriteAsync(Reply(MessageTypes.RuntimePong, "{\"status\":\"ok\"}"));
        Assert.True((await ping.WaitAsync(Bound)).Ok);
    }

    [Fact]
    public async Task Acks_and_nacks_should_name_the_subscription_and_delivery_and_an_at_most_once_subscription_should_refuse_them()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscription = await SubscribeAsync(client, host, "s3", new SubscribeOptions { Ack = AckMode.Explicit, Group = "workers", MaxPending = 8 });
        await host.WriteAsync([.. Push("s3", 1, "jobs.a", "1"), .. Push("s3", 2, "jobs.a", "2")]);
        var deliveries = await subscription.TakeAsync(2);

        var ack = deliveries[0].AckAsync();
        var nack = deliveries[1].NackAsync();
        var upTo = subscription.AckUpToAsync(2);
        Assert.Equal((MessageTypes.RuntimeAck, "{\"subscription\":\"s3\",\"delivery\":1}"), Request(await host.ReadLineAsync()));
        Assert.Equal((MessageTypes.RuntimeNack, "{\"subscription\":\"s3\",\"delivery\":2}"), Request(await host.ReadLineAsync()));
        Assert.Equal((MessageTypes.RuntimeAck, "{\"subscription\":\"s3\",\"up_to\":2}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync([.. Reply(MessageTypes.RuntimeAckOk, "{}"), .. Reply(MessageTypes.RuntimeNackOk, "{}"), .. Reply(MessageTypes.RuntimeAckOk, "{}")]);
        await Task.WhenAll(ack, nack, upTo).WaitAsync(Bound);

        var atMostOnce = await SubscribeAsync(client, host, "s4");
        await host.WriteAsync(Push("s4", 1, "jobs.b", "1"));
        var loose = Assert.Single(await atMostOnce.TakeAsync(1));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => loose.AckAsync());
        Assert.Equal("subscription s4 on jobs.> takes no acks (ack: none): its deliveries are not acknowledged", refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => atMostOnce.AckUpToAsync(1));
    }

    [Fact]
    public async Task An_at_most_once_subscription_whose_buffer_is_full_should_drop_and_count_in_the_next_delivery()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscription = await SubscribeAsync(client, host, "s1", new SubscribeOptions { MaxPending = 2 });

        // Five deliveries nobody takes: two fit. The fourth, lost here, reports two the host lost before it.
        // The ping's reply comes after them, so once it is in, so are they.
        var ping = client.SendAsync(MessageTypes.RuntimePing);
        await host.ReadLineAsync();
        await host.WriteAsync([
            .. Push("s1", 1, "t.a", "1"), .. Push("s1", 2, "t.a", "2"), .. Push("s1", 3, "t.a", "3"),
            .. Push("s1", 4, "t.a", "4", dropped: 2), .. Push("s1", 5, "t.a", "5"),
            .. Reply(MessageTypes.RuntimePong, "{\"status\":\"ok\"}"),
        ]);
        await ping.WaitAsync(Bound);
        Assert.Equal(["1", "2"], (await subscription.TakeAsync(2)).Select(delivery => delivery.Body));

        // The host dropped one more before the sixth: the sixth reports every loss since the second, 3 + 2 + 1.
        await host.WriteAsync(Push("s1", 6, "t.a", "6", dropped: 1));
        var sixth = Assert.Single(await subscription.TakeAsync(1));
        Assert.Equal((6L, 6L), (sixth.DeliveryNumber, sixth.Dropped));
        Assert.Equal(Payload("s1", 6, "t.a", "6", dropped: 6), sixth.PayloadJson);
    }

    [Fact]
    public async Task A_subscribe_answered_after_its_timeout_should_be_unsubscribed_at_once()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var late = client.SubscribeAsync("runs.>", timeout: TimeSpan.FromMilliseconds(200));
        await host.ReadLineAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => late.WaitAsync(Bound));
        await host.WriteAsync([.. SubscribeAck("s5"), .. Push("s5", 1, "runs.a", "1")]);

        Assert.Equal((MessageTypes.RuntimeUnsubscribe, "{\"subscription\":\"s5\"}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync(Reply(MessageTypes.RuntimeUnsubscribeAck, "{}"));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Disposing_the_client_should_end_the_enumeration_without_a_fault()
    {
        var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();
        var subscription = await SubscribeAsync(client, host, "s1");
        await host.WriteAsync(Push("s1", 1, "runs.a", "1"));
        Assert.Single(await subscription.TakeAsync(1));

        var reading = Task.Run(async () =>
        {
            var count = 0;
            await foreach (var _ in subscription.Deliveries)
            {
                count++;
            }

            return count;
        });
        await client.DisposeAsync();

        Assert.Equal(0, await reading.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_body_that_is_not_strict_JSON_should_be_refused_before_anything_is_sent()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        foreach (var body in new[] { "", "{'a':1}", "{\"a\":1} {}", "/* c */ 1", "nope" })
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync("t.a", body));
            Assert.StartsWith("the body is not a JSON document: ", refused.Message, StringComparison.Ordinal);
        }

        client.CompleteWrites();
        Assert.Null(await host.ReadLineAsync());
    }

    private static async Task<IpcSubscription> SubscribeAsync(IpcClient client, RawConnection host, string id, SubscribeOptions? options = null)
    {
        var subscribing = client.SubscribeAsync("jobs.>", options);
        Assert.Equal(MessageTypes.RuntimeSubscribe, Request(await host.ReadLineAsync()).Type);
        await host.WriteAsync(SubscribeAck(id));
        return await subscribing.WaitAsync(Bound);
    }

    private static (string Subscription, string Topic, long Number, bool Redelivered, string Body, string? Key, long Dropped, string? RunId) Fields(Delivery delivery) =>
        (delivery.Subscription, delivery.Topic, delivery.DeliveryNumber, delivery.Redelivered, delivery.Body, delivery.Key, delivery.Dropped, delivery.RunId);

    private static (string Type, string Payload) Request(string? line)
    {
        Assert.NotNull(line);
        var request = JObject.Parse(line);
        return ((string)request["message_type"]!, (string)request["payload_json"]!);
    }

    private static byte[] SubscribeAck(string id) => Reply(MessageTypes.RuntimeSubscribeAck, $"{{\"subscription\":\"{id}\"}}");

    private static byte[] Reply(string type, string payload) => IpcCodec.EncodeResponse(IpcResponse.Success(type, null, payload));

    private static byte[] Error(string code, string text) => IpcCodec.EncodeResponse(IpcResponse.Failure(code, text, null));

    private static byte[] Push(string subscription, long number, string topic, string body, string? key = null, string? runId = null, long dropped = 0) =>
        IpcCodec.EncodeResponse(IpcResponse.Success(MessageTypes.RuntimeMessage, runId, Payload(subscription, number, topic, body, key, dropped)));

    /// <summary>A delivery payload as docs/protocol.md §9.3 lays it out, written by hand.</summary>
    private static string Payload(string subscription, long number, string topic, string body, string? key = null, long dropped = 0)
    {
        var text = new StringBuilder($"{{\"subscription\":\"{subscription}\",\"topic\":\"{topic}\",\"delivery\":{number},\"redelivered\":false,\"body\":{body}");
        if (key is not null)
        {
            text.Append($",\"key\":\"{key}\"");
        }

        if (dropped != 0)
        {
            text.Append($",\"dropped\":{dropped}");
        }

        return text.Append('}').ToString();
    }
}
