using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>The broker's requests (docs/protocol.md §9) and the routing of pushed deliveries.</summary>
public sealed partial class IpcClient
{
    /// <summary>Publishes a message on the runtime socket (<c>runtime.publish</c>).</summary>
    /// <param name="topic">The topic: 1–255 bytes of <c>.</c>-separated tokens of <c>A–Z a–z 0–9 _ -</c>, e.g. <c>runs.r42</c>.</param>
    /// <param name="bodyJson">The body as JSON text (any JSON value: <c>{"a":1}</c>, <c>"text"</c>, <c>42</c>); subscribers receive it as compact JSON.</param>
    /// <param name="key">At most 255 bytes: messages with the same key go to the same member of a queue group while its membership holds; null for none.</param>
    /// <param name="runId">The request's <c>run_id</c>, which every delivery of the message carries; null for none.</param>
    /// <param name="timeout">How long to wait for the host's answer; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>
    /// How many deliveries the publish made (<c>matched</c>): one per matching subscription without a group, one per
    /// matching group. <see cref="PublishWithAckAsync(string, string, string?, string?, TimeSpan?, CancellationToken)"/>
    /// also gives the stream and sequence number the message was stored under.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="bodyJson"/> is not one strict JSON document.</exception>
    /// <exception cref="IpcRequestException">
    /// the host refused it: <c>invalid_payload</c> for a bad topic or key, <c>overloaded</c> when an
    /// explicit-ack queue the message matches is full (<c>broker.max-queued</c>; the message was stored nowhere).
    /// </exception>
    /// <exception cref="TimeoutException">no answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">the connection closed before the answer came.</exception>
    public Task<int> PublishAsync(
        string topic,
        string bodyJson,
        string? key = null,
        string? runId = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        MatchedAsync(PublishPayloadAsync(BrokerRequests.Publish(topic, bodyJson, key), runId, timeout, cancellationToken));

    /// <summary>Publishes a message whose body is a JSON value already built (<c>runtime.publish</c>).</summary>
    /// <param name="topic">The topic, e.g. <c>runs.r42</c>.</param>
    /// <param name="body">The body; null publishes JSON <c>null</c>.</param>
    /// <param name="key">The message's key for queue-group affinity; null for none.</param>
    /// <param name="runId">The request's <c>run_id</c>, which every delivery of the message carries; null for none.</param>
    /// <param name="timeout">How long to wait for the host's answer; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>How many deliveries the publish made.</returns>
    /// <exception cref="IpcRequestException">the host refused it (<c>invalid_payload</c>, <c>overloaded</c>).</exception>
    /// <exception cref="TimeoutException">no answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">the connection closed before the answer came.</exception>
    public Task<int> PublishAsync(
        string topic,
        JToken? body,
        string? key = null,
        string? runId = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        MatchedAsync(PublishPayloadAsync(BrokerRequests.Publish(topic, body, key), runId, timeout, cancellationToken));

    /// <summary>
    /// Publishes a message (<c>runtime.publish</c>) and returns the host's whole ack: <c>matched</c>, and, when
    /// the topic matches a stream's subjects, the <c>stream</c> it was stored in and its <c>seq</c> there. The
    /// ack comes only once the message is stored, so a returned <c>seq</c> survives a restart of the host.
    /// </summary>
    /// <param name="topic">The topic, e.g. <c>orders.o42</c>.</param>
    /// <param name="bodyJson">The body as JSON text (any JSON value).</param>
    /// <param name="key">The message's key for queue-group affinity; null for none.</param>
    /// <param name="runId">The request's <c>run_id</c>, which every delivery of the message carries; null for none.</param>
    /// <param name="timeout">How long to wait for the host's answer; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>The ack: <see cref="PublishAckPayload.Stream"/> and <see cref="PublishAckPayload.Seq"/> are null when no stream stored it.</returns>
    /// <exception cref="ArgumentException"><paramref name="bodyJson"/> is not one strict JSON document.</exception>
    /// <exception cref="IpcRequestException">
    /// the host refused it: <c>invalid_payload</c>, <c>overloaded</c>, or an error of the stream's storage (the
    /// message was then stored nowhere).
    /// </exception>
    /// <exception cref="TimeoutException">no answer within <paramref name="timeout"/>; the message may have been stored.</exception>
    /// <exception cref="IOException">the connection closed before the answer came.</exception>
    public Task<PublishAckPayload> PublishWithAckAsync(
        string topic,
        string bodyJson,
        string? key = null,
        string? runId = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        PublishPayloadAsync(BrokerRequests.Publish(topic, bodyJson, key), runId, timeout, cancellationToken);

    /// <summary>As <see cref="PublishWithAckAsync(string, string, string?, string?, TimeSpan?, CancellationToken)"/>, with a body already built.</summary>
    /// <param name="topic">The topic, e.g. <c>orders.o42</c>.</param>
    /// <param name="body">The body; null publishes JSON <c>null</c>.</param>
    /// <param name="key">The message's key for queue-group affinity; null for none.</param>
    /// <param name="runId">The request's <c>run_id</c>; null for none.</param>
    /// <param name="timeout">How long to wait for the host's answer; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>The ack, with the stream and sequence number when a stream stored the message.</returns>
    /// <exception cref="IpcRequestException">the host refused it.</exception>
    /// <exception cref="TimeoutException">no answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">the connection closed before the answer came.</exception>
    public Task<PublishAckPayload> PublishWithAckAsync(
        string topic,
        JToken? body,
        string? key = null,
        string? runId = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        PublishPayloadAsync(BrokerRequests.Publish(topic, body, key), runId, timeout, cancellationToken);

    /// <summary>
    /// Subscribes this connection to a topic pattern (<c>runtime.subscribe</c>). Once this returns, every
    /// message published to a matching topic is delivered to the subscription (a queue group's, to one of
    /// its members); enumerate it to take them.
    /// </summary>
    /// <param name="pattern">A topic whose tokens may also be <c>*</c> (exactly one token) or, last, <c>&gt;</c> (one or more): <c>runs.*</c>, <c>runs.&gt;</c>.</param>
    /// <param name="options">
    /// Group, ack mode and <c>max_pending</c>, or a stream and durable consumer to read it as (the pattern then
    /// filters the stream's messages); the protocol's defaults when null.
    /// </param>
    /// <param name="timeout">
    /// How long to wait for the host's answer, and afterwards for the answers to the subscription's acks,
    /// nacks and unsubscribe; <see cref="DefaultTimeout"/> when null.
    /// </param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>The live subscription; dispose it (or call <see cref="IpcSubscription.UnsubscribeAsync"/>) to end it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SubscribeOptions.MaxPending"/> is not from 1 to <see cref="SubscribeOptions.MaxPendingLimit"/>.</exception>
    /// <exception cref="IpcRequestException">
    /// the host refused it: <c>invalid_payload</c> for a bad pattern or group, or stream options it does not
    /// take (a stream it does not declare, a durable with a group); <c>limit_exceeded</c> past
    /// <c>broker.max-subscriptions-per-connection</c>.
    /// </exception>
    /// <exception cref="TimeoutException">
    /// no answer within <paramref name="timeout"/>; should the host's ack come later, the client unsubscribes at once.
    /// </exception>
    /// <exception cref="IOException">the connection closed before the answer came.</exception>
    public async Task<IpcSubscription> SubscribeAsync(
        string pattern,
        SubscribeOptions? options = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        options ??= new SubscribeOptions();
        var maxPending = options.MaxPending ?? SubscribeOptions.DefaultMaxPending;
        if (maxPending is < 1 or > SubscribeOptions.MaxPendingLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxPending, $"MaxPending must be from 1 to {SubscribeOptions.MaxPendingLimit}");
        }

        var limit = timeout ?? DefaultTimeout;
        var claim = new SubscribeClaim();

        // max_pending is always sent: the client sizes its buffer by it, so both sides must hold the same number.
        var line = IpcCodec.EncodeRequest(new IpcRequest(MessageTypes.RuntimeSubscribe, null, BrokerRequests.Subscribe(pattern, options, maxPending)));
        IpcResponse response;
        try
        {
            response = await SendLineAsync(line, limit, cancellationToken, reply => Register(reply, claim, pattern, options, maxPending, limit)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            if (claim.Abandon() is { } orphan)
            {
                _ = orphan.DisposeAsync().AsTask();
            }

            throw;
        }

        if (!response.Ok)
        {
            throw new IpcRequestException(MessageTypes.RuntimeSubscribe, response);
        }

        return claim.Subscription ?? throw new IOException($"{SocketPath} answered runtime.subscribe with a payload that names no subscription: {response.PayloadJson}");
    }

    /// <summary>Sends a broker request whose reply carries nothing (ack, nack): an error reply becomes <see cref="IpcRequestException"/>.</summary>
    internal async Task BrokerRequestAsync(string messageType, string payloadJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var response = await SendAsync(messageType, payloadJson, null, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
        {
            throw new IpcRequestException(messageType, response);
        }
    }

    /// <summary>Ends <paramref name="subscription"/>; an <c>unknown_subscription</c> answer means it is gone already, which is what was asked.</summary>
    internal async Task UnsubscribeAsync(IpcSubscription subscription, CancellationToken cancellationToken)
    {
        var line = IpcCodec.EncodeRequest(new IpcRequest(MessageTypes.RuntimeUnsubscribe, null, BrokerRequests.Unsubscribe(subscription.Id)));
        var response = await SendLineAsync(line, subscription.Timeout, cancellationToken, reply =>
        {
            if (reply.Ok || reply.ErrorCode == IpcErrors.UnknownSubscriptionCode)
            {
                Forget(subscription);
            }
        }).ConfigureAwait(false);
        if (!response.Ok && response.ErrorCode != IpcErrors.UnknownSubscriptionCode)
        {
            throw new IpcRequestException(MessageTypes.RuntimeUnsubscribe, response);
        }
    }

    private static async Task<int> MatchedAsync(Task<PublishAckPayload> publishing) => (await publishing.ConfigureAwait(false)).Matched;

    private async Task<PublishAckPayload> PublishPayloadAsync(string payloadJson, string? runId, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var response = await SendAsync(MessageTypes.RuntimePublish, payloadJson, runId, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
        {
            throw new IpcRequestException(MessageTypes.RuntimePublish, response);
        }

        try
        {
            return JsonConvert.DeserializeObject<PublishAckPayload>(response.PayloadJson, IpcJson.Settings)
                ?? throw new JsonSerializationException("the payload is null");
        }
        catch (JsonException ex)
        {
            throw new IOException($"{SocketPath} answered runtime.publish with a payload that is not {{\"matched\":N}}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The subscribe ack's hook, on the read loop: the subscription is registered before the next line
    /// is read, since its first delivery may be that line (the host writes the ack first).
    /// </summary>
    private void Register(IpcResponse reply, SubscribeClaim claim, string pattern, SubscribeOptions options, int maxPending, TimeSpan timeout)
    {
        if (!reply.Ok || SubscriptionId(reply.PayloadJson) is not { } id)
        {
            return;
        }

        var subscription = new IpcSubscription(this, id, pattern, options, maxPending, timeout);
        Exception? closedBecause;
        lock (_pendingLock)
        {
            closedBecause = _closedBecause;
            if (closedBecause is null)
            {
                _subscriptions[id] = subscription;
            }
        }

        if (closedBecause is not null)
        {
            subscription.End(_disposing ? null : closedBecause);
        }

        if (!claim.Offer(subscription))
        {
            // The caller gave up waiting: nobody will take these deliveries, so the host should not send them.
            _ = Task.Run(() => subscription.DisposeAsync().AsTask());
        }
    }

    private void Forget(IpcSubscription subscription)
    {
        lock (_pendingLock)
        {
            if (_subscriptions.TryGetValue(subscription.Id, out var known) && ReferenceEquals(known, subscription))
            {
                _subscriptions.Remove(subscription.Id);
            }
        }

        subscription.End();
    }

    /// <summary>A pushed delivery: to its subscription; one for a subscription this client does not know (ended, or never its own) is dropped.</summary>
    private void Route(IpcResponse push)
    {
        if (DeliveryReader.Read(push.PayloadJson, out var problem) is not { } fields)
        {
            Fail(new IOException($"{SocketPath} sent a runtime.message whose payload is not a delivery ({problem})"));
            return;
        }

        IpcSubscription? subscription;
        lock (_pendingLock)
        {
            _subscriptions.TryGetValue(fields.Subscription, out subscription);
        }

        subscription?.Offer(fields, push.RunId, push.PayloadJson);
    }

    private static string? SubscriptionId(string payloadJson)
    {
        try
        {
            return JsonConvert.DeserializeObject<SubscribeAckPayload>(payloadJson, IpcJson.Settings)?.Subscription;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Hands the subscription made on the read loop to the caller of <see cref="SubscribeAsync"/>, unless
    /// the caller has given up (timed out, cancelled): then whichever side comes second unsubscribes it.
    /// </summary>
    private sealed class SubscribeClaim
    {
        private readonly object _gate = new();
        private bool _abandoned;

        public IpcSubscription? Subscription { get; private set; }

        /// <summary>False when the caller has given up already.</summary>
        public bool Offer(IpcSubscription subscription)
        {
            lock (_gate)
            {
                Subscription = subscription;
                return !_abandoned;
            }
        }

        /// <summary>The subscription if it was made before the caller gave up, for the caller to end.</summary>
        public IpcSubscription? Abandon()
        {
            lock (_gate)
            {
                _abandoned = true;
                return Subscription;
            }
        }
    }
}
