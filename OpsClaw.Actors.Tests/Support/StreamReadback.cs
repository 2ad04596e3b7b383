using OpsClaw.Actors.Client;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>One message as a fresh durable consumer read it back from the stream.</summary>
public sealed record StoredMessage(long Seq, string Topic, string Body);

/// <summary>Reads a whole stream through a new durable consumer (<c>start: all</c>), as any reader after a restart would.</summary>
public static class StreamReadback
{
    /// <summary>Deliveries per <c>up_to</c> ack: the consumer gets no more than <c>max_pending</c> unacknowledged.</summary>
    private const int AckBatch = 256;

    /// <summary>
    /// Every message up to <paramref name="lastSeq"/>, in the order delivered, read as durable
    /// <paramref name="durable"/> (which must be new); fails when that takes longer than <paramref name="bound"/>.
    /// </summary>
    public static async Task<List<StoredMessage>> ReadAllAsync(string runtimeSocket, string durable, long lastSeq, TimeSpan bound)
    {
        await using var client = await IpcClient.ConnectAsync(runtimeSocket);
        var subscription = await client.SubscribeAsync(">", new SubscribeOptions { Stream = "orders", Durable = durable, Start = StreamStart.All });
        using var timeout = new CancellationTokenSource(bound);
        var read = new List<StoredMessage>();
        try
        {
            await foreach (var delivery in subscription.Deliveries.WithCancellation(timeout.Token))
            {
                var seq = delivery.Seq ?? throw new InvalidOperationException($"a stream delivery has no seq: {delivery.PayloadJson}");
                read.Add(new StoredMessage(seq, delivery.Topic, delivery.Body));
                if (seq >= lastSeq)
                {
                    await subscription.AckUpToAsync(delivery.DeliveryNumber);
                    return read;
                }

                if (read.Count % AckBatch == 0)
                {
                    await subscription.AckUpToAsync(delivery.DeliveryNumber);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException(
            $"durable {durable} did not read through seq {lastSeq} within {bound.TotalSeconds} s; it read {read.Count}, the last {(read.Count > 0 ? read[^1].Seq : 0)}");
    }
}
