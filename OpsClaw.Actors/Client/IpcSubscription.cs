using System.Threading.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>
/// A live subscription made by <see cref="IpcClient.SubscribeAsync"/>: enumerate its
/// <see cref="Deliveries"/> (<c>await foreach</c>) to take them, in the order the host pushed them.
/// </summary>
/// <remarks>
/// <para>
/// Deliveries the host pushed and nobody has taken yet wait in a buffer of <see cref="MaxPending"/>
/// deliveries. With <see cref="AckMode.Explicit"/> the host never has more than that unacknowledged,
/// so the buffer cannot overflow while deliveries are acknowledged only after they are taken. With
/// <see cref="AckMode.None"/> the host bounds only what it has not yet written, so a consumer slower
/// than its publishers would fill it: further deliveries are then dropped here, and the next delivery
/// taken counts them in <see cref="Delivery.Dropped"/>, as the host counts its own. Deliveries are never
/// kept back from the connection's other traffic: replies to other requests keep flowing while
/// nobody enumerates.
/// </para>
/// <para>
/// The enumeration ends after <see cref="UnsubscribeAsync"/> (deliveries received before the host
/// confirmed the unsubscribe are still yielded first) or when the client is disposed. It throws
/// <see cref="IOException"/> when the connection closes or fails otherwise: the host stopped, or the
/// connection broke. Several enumerations at once share the deliveries, each taken by one of them.
/// </para>
/// </remarks>
public sealed class IpcSubscription : IAsyncDisposable
{
    private readonly IpcClient _client;
    private readonly Channel<Delivery> _deliveries;
    private readonly object _gate = new();
    private Task? _unsubscribing;

    /// <summary>Deliveries dropped here since the last one buffered (<see cref="AckMode.None"/>); touched by the client's read loop only.</summary>
    private long _droppedHere;

    internal IpcSubscription(IpcClient client, string id, string pattern, SubscribeOptions options, int maxPending, TimeSpan timeout)
    {
        _client = client;
        Id = id;
        Pattern = pattern;
        Group = options.Group;
        Ack = options.EffectiveAck;
        Stream = options.Stream;
        Durable = options.Durable;
        MaxPending = maxPending;
        Timeout = timeout;
        _deliveries = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(maxPending)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Deliveries = _deliveries.Reader.ReadAllAsync();
    }

    /// <summary>The subscription's id, unique on its connection, as the host gave it.</summary>
    public string Id { get; }

    /// <summary>The pattern subscribed to, e.g. <c>runs.&gt;</c>.</summary>
    public string Pattern { get; }

    /// <summary>The queue group; null without one.</summary>
    public string? Group { get; }

    /// <summary>How its deliveries are settled (always <see cref="AckMode.Explicit"/> for a durable consumer).</summary>
    public AckMode Ack { get; }

    /// <summary>The stream it reads, as a durable consumer; null for a live subscription.</summary>
    public string? Stream { get; }

    /// <summary>The durable consumer's name; null for a live subscription.</summary>
    public string? Durable { get; }

    /// <summary>Its <c>max_pending</c>: the bound on deliveries the host holds for it, and on those buffered here.</summary>
    public int MaxPending { get; }

    /// <summary>How long its acks, nacks and unsubscribe wait for the host's answer: the timeout its subscribe was given.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// The deliveries, as they arrive; see the remarks on the class for when an enumeration ends. A token
    /// given with <c>WithCancellation</c> stops waiting for the next one (with
    /// <see cref="OperationCanceledException"/>); the subscription goes on.
    /// </summary>
    public IAsyncEnumerable<Delivery> Deliveries { get; }

    /// <summary>Acknowledges every unacknowledged delivery numbered up to <paramref name="deliveryNumber"/> (<c>up_to</c>) in one request.</summary>
    /// <param name="deliveryNumber">The last delivery number to acknowledge, usually that of the last delivery handled.</param>
    /// <param name="cancellationToken">Stops waiting for the host's answer.</param>
    /// <returns>A task that completes when the host has taken the ack.</returns>
    /// <exception cref="InvalidOperationException">the subscription is <see cref="AckMode.None"/>.</exception>
    /// <exception cref="IpcRequestException">the host refused it (<c>unknown_subscription</c>, <c>unknown_delivery</c>).</exception>
    /// <exception cref="TimeoutException">no answer within <see cref="Timeout"/>.</exception>
    /// <exception cref="IOException">the connection is closed.</exception>
    public Task AckUpToAsync(long deliveryNumber, CancellationToken cancellationToken = default)
    {
        RequireExplicit("acknowledged");
        return _client.BrokerRequestAsync(MessageTypes.RuntimeAck, BrokerRequests.AckUpTo(Id, deliveryNumber), Timeout, cancellationToken);
    }

    /// <summary>
    /// Ends the subscription: the host stops delivering to it, and hands its unacknowledged deliveries
    /// on (<see cref="AckMode.Explicit"/>). The enumeration yields what arrived before the host's
    /// confirmation, then ends. Calling it again, or after the host has forgotten the subscription, does nothing more.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the host's answer.</param>
    /// <returns>A task that completes when the host has confirmed.</returns>
    /// <exception cref="IpcRequestException">the host refused it (e.g. <c>shutting_down</c>).</exception>
    /// <exception cref="TimeoutException">no answer within <see cref="Timeout"/>.</exception>
    /// <exception cref="IOException">the connection is closed (the subscription ended with it).</exception>
    public Task UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // A failed attempt may be tried again; one under way or done is shared.
            if (_unsubscribing is null || _unsubscribing.IsFaulted || _unsubscribing.IsCanceled)
            {
                _unsubscribing = _client.UnsubscribeAsync(this, cancellationToken);
            }

            return _unsubscribing;
        }
    }

    /// <summary>Unsubscribes if the connection is still open, without throwing: a failure leaves ending it to the connection's end.</summary>
    /// <returns>A task that completes once the host has confirmed, or the attempt failed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_deliveries.Reader.Completion.IsCompleted || !_client.IsConnected)
        {
            return;
        }

        try
        {
            await UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IpcRequestException or TimeoutException or IOException)
        {
            // Disposal must not throw; the host drops the subscription with the connection anyway.
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"subscription {Id} on {Pattern}";

    internal Task AckAsync(long deliveryNumber, CancellationToken cancellationToken)
    {
        RequireExplicit("acknowledged");
        return _client.BrokerRequestAsync(MessageTypes.RuntimeAck, BrokerRequests.Ack(Id, deliveryNumber), Timeout, cancellationToken);
    }

    internal Task NackAsync(long deliveryNumber, CancellationToken cancellationToken)
    {
        RequireExplicit("handed back");
        return _client.BrokerRequestAsync(MessageTypes.RuntimeNack, BrokerRequests.Nack(Id, deliveryNumber), Timeout, cancellationToken);
    }

    /// <summary>Takes a pushed delivery; called by the client's read loop only, in the order of the lines.</summary>
    internal void Offer(DeliveryFields fields, string? runId, string payloadJson)
    {
        var dropped = fields.Dropped + _droppedHere;
        var payload = _droppedHere == 0 ? payloadJson : DeliveryReader.WithDropped(fields, dropped);
        if (_deliveries.Writer.TryWrite(new Delivery(this, fields, dropped, runId, payload)))
        {
            _droppedHere = 0;
        }
        else if (Ack == AckMode.None)
        {
            // This one is lost, and so are those it would have reported lost.
            _droppedHere = dropped + 1;
        }

        // An explicit-ack delivery that finds the buffer full (only when deliveries were acked before
        // being taken, with AckUpToAsync) stays unacknowledged: the host delivers it again after ack-wait.
    }

    /// <summary>The subscription has ended: normally (<paramref name="cause"/> null) or because the connection did.</summary>
    internal void End(Exception? cause = null) => _deliveries.Writer.TryComplete(cause);

    private void RequireExplicit(string what)
    {
        if (Ack != AckMode.Explicit)
        {
            throw new InvalidOperationException($"{this} takes no acks (ack: none): its deliveries are not {what}");
        }
    }
}
