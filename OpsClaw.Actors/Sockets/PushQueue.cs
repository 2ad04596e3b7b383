using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The deliveries one connection holds for its subscriptions until its output has room (docs/protocol.md
/// §9.3). They go out in the order they came, whole lines between replies, and none of a subscription
/// before its subscribe ack is written. An at-most-once subscription is numbered here, and a delivery
/// for one that already holds <c>max_pending</c> unwritten is dropped and counted (the next one written
/// says how many), so a subscriber that does not read costs a bounded amount of memory and never slows
/// anyone else. An at-least-once delivery was numbered by its queue; past <c>max_pending</c> unwritten
/// (only stale ones can be ahead of it then) it is left to ack-wait to deliver again.
/// </summary>
internal sealed class PushQueue(BrokerMetrics metrics)
{
    /// <summary>A queue grown past this by a burst is let go once empty.</summary>
    private const int RetainedCapacity = 64;

    /// <summary>
    /// Deliveries are written in sends of about this much, so the output buffer stays a pooled array:
    /// one that grew past 64 KiB would be allocated on the large object heap, whose churn costs full
    /// collections. A single longer line still goes, alone.
    /// </summary>
    private const int ChunkBytes = 60 * 1024;

    private readonly Dictionary<SubscriptionId, Target> _targets = [];
    private Queue<Push> _queue = new();

    /// <summary>First deliveries numbered since the host's total was last told.</summary>
    private long _unreported;

    /// <summary>Deliveries waiting to be written.</summary>
    public int Count => _queue.Count;

    public void Subscribe(BrokerProtocol.Subscribed subscribed) =>
        _targets[subscribed.Key] = new Target(subscribed);

    /// <summary>Forgets a subscription; what it still holds is never written.</summary>
    public void Unsubscribe(SubscriptionId key)
    {
        if (_targets.Remove(key, out var target))
        {
            target.Gone = true;
            if (target.Info.Ack == AckMode.None)
            {
                target.Info.Stats.SetPending(0);
            }
        }
    }

    /// <summary>Forgets every subscription (the client stopped writing, so it has none left).</summary>
    public void UnsubscribeAll()
    {
        foreach (var key in _targets.Keys.ToArray())
        {
            Unsubscribe(key);
        }

        _queue.Clear();
    }

    /// <summary>Takes a delivery unless its subscription is unknown or holds too many unwritten; true when it waits to be written.</summary>
    public bool Offer(BrokerProtocol.Deliver deliver)
    {
        var taken = Take(deliver);
        ReportDelivered();
        return taken;
    }

    /// <summary>Offers each delivery of a batch in order; true when any of them waits to be written.</summary>
    public bool OfferAll(BrokerProtocol.Deliver[] deliveries)
    {
        var taken = false;
        foreach (var deliver in deliveries)
        {
            taken |= Take(deliver);
        }

        ReportDelivered();
        return taken;
    }

    /// <summary>The host's delivered total is shared by every connection: it is added to once per batch.</summary>
    private void ReportDelivered()
    {
        metrics.Delivered(_unreported);
        _unreported = 0;
    }

    private bool Take(BrokerProtocol.Deliver deliver)
    {
        if (!_targets.TryGetValue(deliver.Key, out var target))
        {
            return false;
        }

        long delivery;
        long dropped = 0;
        if (target.Info.Ack == AckMode.None)
        {
            if (target.Unwritten >= target.Info.MaxPending)
            {
                target.DroppedSince++;
                target.Info.Stats.CountDropped();
                metrics.Dropped();
                return false;
            }

            delivery = target.NextDelivery++;
            (dropped, target.DroppedSince) = (target.DroppedSince, 0);
            target.Info.Stats.CountDelivered(redelivered: false);
            _unreported++;
        }
        else
        {
            if (target.Unwritten >= target.Info.MaxPending)
            {
                return false;
            }

            delivery = deliver.Delivery;

            // From a stream: messages its retention deleted before this consumer read them, told once.
            dropped = deliver.Redelivered ? 0 : deliver.Message.Missed;
        }

        target.Unwritten++;
        if (target.Info.Ack == AckMode.None)
        {
            target.Info.Stats.SetPending(target.Unwritten);
        }

        _queue.Enqueue(new Push(target, deliver.Message, delivery, deliver.Redelivered, dropped));
        return true;
    }

    /// <summary>
    /// Encodes waiting deliveries into <paramref name="output"/>, in order, while there is room (as
    /// replies are: within <paramref name="limit"/> counting <paramref name="buffered"/>, or alone when
    /// nothing is buffered). Stops at a delivery whose subscribe ack is not yet written, that is, whose
    /// subscribe request is not below <paramref name="repliesWritten"/>; and once about
    /// <see cref="ChunkBytes"/> are in <paramref name="output"/> (the caller sends them and comes back).
    /// </summary>
    public int TakeReady(OutputBuffer output, long buffered, long limit, long repliesWritten)
    {
        var taken = 0;
        while (_queue.TryPeek(out var push))
        {
            var target = push.Target;
            if (target.Gone)
            {
                _queue.Dequeue();
                continue;
            }

            if (target.Info.AfterRequest >= repliesWritten)
            {
                break;
            }

            // A view of a message written once is valid until this thread makes the next one: used at once, here.
            var parts = push.Message.LineParts;
            var length = DeliveryLine.Length(parts, target.SubscriptionBytes, push.Delivery, push.Redelivered, push.Dropped);
            if (output.Length > 0 && output.Length + length > ChunkBytes)
            {
                break;
            }

            if (buffered > 0 && buffered + length > limit)
            {
                break;
            }

            DeliveryLine.Write(output, parts, target.SubscriptionBytes, push.Delivery, push.Redelivered, push.Dropped, length);
            buffered += length;
            _queue.Dequeue();
            target.Unwritten--;
            if (target.Info.Ack == AckMode.None)
            {
                target.Info.Stats.SetPending(target.Unwritten);
            }

            taken++;
        }

        if (_queue.Count == 0 && _queue.EnsureCapacity(0) > RetainedCapacity)
        {
            _queue = new Queue<Push>();
        }

        return taken;
    }

    private sealed class Target(BrokerProtocol.Subscribed info)
    {
        public BrokerProtocol.Subscribed Info { get; } = info;

        /// <summary>The subscription id as every delivery line carries it, escaped once.</summary>
        public byte[] SubscriptionBytes { get; } = DeliveryLine.SubscriptionBytes(info.Subscription);

        public long NextDelivery { get; set; } = 1;

        public int Unwritten { get; set; }

        public long DroppedSince { get; set; }

        public bool Gone { get; set; }
    }

    private readonly record struct Push(Target Target, PublishedMessage Message, long Delivery, bool Redelivered, long Dropped);
}
