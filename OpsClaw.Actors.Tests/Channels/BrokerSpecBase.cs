using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// The broker actor on its own: each TestProbe plays one connection, sending requests and receiving
/// what a connection would (Subscribed, replies, deliveries). The scheduler is virtual, so ack-wait
/// passes when a spec advances it, not on the wall clock.
/// </summary>
public abstract class BrokerSpecBase : TestKit
{
    private const string Config = "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"";
    private long _nextId;

    protected BrokerSpecBase()
        : base(Config)
    {
    }

    /// <summary>A broker spec on the wall clock, with more config (stream storage does its own waiting).</summary>
    protected BrokerSpecBase(string config)
        : base(config)
    {
    }

    protected static readonly BrokerSettings DefaultSettings = BrokerSettings.Default;

    protected TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    internal IActorRef StartBroker(BrokerSettings? settings = null) =>
        Sys.ActorOf(BrokerActor.Props(settings ?? DefaultSettings, IpcJson.DefaultMaxDepth));

    protected long Send(IActorRef broker, TestProbe connection, string messageType, object payload, string? runId = null) =>
        SendRaw(broker, connection, messageType, payload as string ?? JObject.FromObject(payload).ToString(Newtonsoft.Json.Formatting.None), runId);

    protected long SendRaw(IActorRef broker, TestProbe connection, string messageType, string payloadJson, string? runId = null)
    {
        var id = ++_nextId;
        broker.Tell(new ChannelProtocol.Request(id, new IpcRequest(messageType, runId, payloadJson)), connection.Ref);
        return id;
    }

    /// <summary>
    /// The reply to request <paramref name="id"/>. Deliveries that come first (a queue may deliver before
    /// it answers) are kept for <see cref="DeliveryAsync"/>, in order; anything else is a failure.
    /// </summary>
    protected async Task<IpcResponse> ReplyAsync(TestProbe connection, long id)
    {
        while (true)
        {
            if (RepliesOf(connection).Remove(id, out var kept))
            {
                return kept;
            }

            var message = await connection.ReceiveOneAsync(TimeSpan.FromSeconds(5));
            switch (message)
            {
                case ChannelProtocol.Reply reply when reply.Id == id:
                    return reply.Response;
                case ChannelProtocol.ReplyBatch batch:
                    // A stream answers the publishes of one write together; each is kept until asked for.
                    foreach (var reply in batch.Replies.Take(batch.Count))
                    {
                        RepliesOf(connection).Add(reply.Id, reply.Response);
                    }

                    break;
                case BrokerProtocol.Deliver deliver:
                    EarlyOf(connection).Enqueue(deliver);
                    break;
                case BrokerProtocol.DeliverBatch batch:
                    Array.ForEach(batch.Deliveries, EarlyOf(connection).Enqueue);
                    break;
                default:
                    Assert.Fail($"expected the reply to request {id} or a delivery, got {message ?? "nothing in 5 s"}");
                    break;
            }
        }
    }

    private readonly Dictionary<TestProbe, Queue<BrokerProtocol.Deliver>> _early = [];

    private readonly Dictionary<TestProbe, Dictionary<long, IpcResponse>> _replies = [];

    private Dictionary<long, IpcResponse> RepliesOf(TestProbe connection)
    {
        if (!_replies.TryGetValue(connection, out var replies))
        {
            replies = [];
            _replies.Add(connection, replies);
        }

        return replies;
    }

    private Queue<BrokerProtocol.Deliver> EarlyOf(TestProbe connection)
    {
        if (!_early.TryGetValue(connection, out var early))
        {
            early = new Queue<BrokerProtocol.Deliver>();
            _early.Add(connection, early);
        }

        return early;
    }

    /// <summary>Subscribes and returns the subscription's key and wire id; the Subscribed notice comes before the ack, as a connection needs.</summary>
    internal async Task<(SubscriptionId Key, string Id)> SubscribeAsync(
        IActorRef broker, TestProbe connection, string pattern, string? group = null, string? ack = null, int? maxPending = null)
    {
        var id = SendRaw(broker, connection, MessageTypes.RuntimeSubscribe, WireClient.SubscribePayload(pattern, group, ack, maxPending));
        var subscribed = await connection.ExpectMsgAsync<BrokerProtocol.Subscribed>();
        Assert.Equal(id, subscribed.AfterRequest);
        var reply = await ReplyAsync(connection, id);
        Assert.True(reply.Ok, reply.Error);
        Assert.Equal($"{{\"subscription\":\"{subscribed.Subscription}\"}}", reply.PayloadJson);
        return (subscribed.Key, subscribed.Subscription);
    }

    /// <summary>Publishes and returns the reply's <c>matched</c>.</summary>
    protected async Task<int> PublishAsync(IActorRef broker, TestProbe publisher, string topic, string bodyJson = "{}", string? key = null)
    {
        var keyJson = key is null ? "" : $",\"key\":\"{key}\"";
        var id = SendRaw(broker, publisher, MessageTypes.RuntimePublish, $"{{\"topic\":\"{topic}\",\"body\":{bodyJson}{keyJson}}}");
        var reply = await ReplyAsync(publisher, id);
        Assert.True(reply.Ok, reply.Error);
        return (int)JObject.Parse(reply.PayloadJson)["matched"]!;
    }

    /// <summary>Whether a delivery is waiting for <see cref="DeliveryAsync"/>, in the probe or kept from a batch.</summary>
    internal bool HasDelivery(TestProbe connection) => EarlyOf(connection).Count > 0 || connection.HasMessages;

    /// <summary>The next delivery to the connection, alone or out of a batch.</summary>
    internal async Task<BrokerProtocol.Deliver> DeliveryAsync(TestProbe connection)
    {
        var early = EarlyOf(connection);
        if (early.Count == 0)
        {
            switch (await connection.ReceiveOneAsync(TimeSpan.FromSeconds(5)))
            {
                case BrokerProtocol.Deliver deliver:
                    return deliver;
                case BrokerProtocol.DeliverBatch batch:
                    Array.ForEach(batch.Deliveries, early.Enqueue);
                    break;
                case var other:
                    Assert.Fail($"expected a delivery, got {other ?? "nothing in 5 s"}");
                    break;
            }
        }

        return early.Dequeue();
    }

    internal async Task<List<BrokerProtocol.Deliver>> DeliveriesAsync(TestProbe connection, int count)
    {
        var deliveries = new List<BrokerProtocol.Deliver>(count);
        for (var i = 0; i < count; i++)
        {
            deliveries.Add(await DeliveryAsync(connection));
        }

        return deliveries;
    }

    protected async Task NothingMoreAsync(TestProbe connection)
    {
        Assert.Empty(EarlyOf(connection));
        await connection.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }
}
