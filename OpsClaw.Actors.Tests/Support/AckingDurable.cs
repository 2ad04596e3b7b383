using OpsClaw.Actors.Client;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// One connection subscribed as the durable consumer <see cref="Name"/> of <c>orders</c>, which acks
/// every delivery in order, one at a time, recording each ack in a <see cref="DurableAckRecord"/> that
/// outlives the connection. Any delivery of a seq at or below the acknowledged position is a violation:
/// an answered ack promises that the message is not delivered to this consumer again, crash or not.
/// </summary>
public sealed class AckingDurable : IAsyncDisposable
{
    public const string Name = "acker";

    /// <summary>Deliveries per <c>up_to</c> ack while catching up after a restart: one stored ack per message would make that phase slow.</summary>
    private const int CatchUpBatch = 64;

    private readonly IpcClient _client;
    private readonly IpcSubscription _subscription;
    private readonly DurableAckRecord _record;
    private readonly ViolationLog _violations;

    private AckingDurable(IpcClient client, IpcSubscription subscription, DurableAckRecord record, ViolationLog violations)
    {
        _client = client;
        _subscription = subscription;
        _record = record;
        _violations = violations;
    }

    /// <summary>Joins the durable (made reading from seq 1 the first time; resuming after its position later).</summary>
    public static async Task<AckingDurable> OpenAsync(string runtimeSocket, DurableAckRecord record, ViolationLog violations)
    {
        var client = await IpcClient.ConnectAsync(runtimeSocket);
        try
        {
            var subscription = await client.SubscribeAsync(">", new SubscribeOptions { Stream = "orders", Durable = Name, Start = StreamStart.All });
            return new AckingDurable(client, subscription, record, violations);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads until the delivery of <paramref name="lastSeq"/>, acking with <c>up_to</c> every
    /// <see cref="CatchUpBatch"/> deliveries and at the end; returns every seq delivered meanwhile.
    /// Fails the spec when that does not happen within <paramref name="bound"/>.
    /// </summary>
    public async Task<List<long>> ReadAndAckThroughAsync(long lastSeq, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var delivered = new List<long>();
        try
        {
            await foreach (var delivery in _subscription.Deliveries.WithCancellation(timeout.Token))
            {
                var seq = Check(delivery);
                delivered.Add(seq);
                var done = seq >= lastSeq;
                if (done || delivered.Count % CatchUpBatch == 0)
                {
                    // Deliveries come in seq order from the position on, so up_to acks every seq up to this one.
                    await AckAsync(seq, () => _subscription.AckUpToAsync(delivery.DeliveryNumber));
                }

                if (done)
                {
                    return delivered;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException(
            $"durable {Name} did not get seq {lastSeq} within {bound.TotalSeconds} s; it got {delivered.Count} deliveries, the last {(delivered.Count > 0 ? delivered[^1] : 0)}");
    }

    /// <summary>Reads and acks until the connection ends (the host was killed) or <paramref name="bound"/> passes.</summary>
    public async Task ReadAndAckUntilClosedAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await foreach (var delivery in _subscription.Deliveries.WithCancellation(timeout.Token))
            {
                await AckAsync(Check(delivery), () => delivery.AckAsync());
            }
        }
        catch (IOException)
        {
            // The host died: the deliveries it pushed before were taken first.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            _violations.Add($"durable {Name}'s connection was still open {bound.TotalSeconds} s after the round began (the kill did not end it)");
        }
    }

    private long Check(Delivery delivery)
    {
        if (delivery.Seq is not { } seq)
        {
            throw new InvalidOperationException($"a delivery to durable {Name} has no seq: {delivery.PayloadJson}");
        }

        // A round is far shorter than broker.ack-wait (30 s), so nothing here is delivered again for want of an ack.
        if (seq <= _record.Acknowledged)
        {
            _violations.Add($"durable {Name} got seq {seq} again (redelivered {delivery.Redelivered}) after its acknowledged position {_record.Acknowledged}");
        }

        return seq;
    }

    private async Task AckAsync(long seq, Func<Task> ack)
    {
        _record.Sending(seq);
        try
        {
            await ack();
            _record.Answered(seq);
        }
        catch (IOException)
        {
            // The host died before answering: the ack may or may not be stored.
        }
        catch (IpcRequestException refused)
        {
            _violations.Add($"durable {Name}'s ack of seq {seq} was refused: {refused.ErrorCode}");
        }
        catch (TimeoutException)
        {
            _violations.Add($"durable {Name}'s ack of seq {seq} got no answer (a hang)");
        }
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();
}
