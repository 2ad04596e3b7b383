namespace OpsClaw.Actors.Broker;

/// <summary>
/// The live figures of one subscription, for <c>control.topics</c>. Each figure has one writer, the
/// actor that owns it (the connection for what an at-most-once subscription holds unwritten and has
/// delivered, the acknowledgement queue for an at-least-once one's), and is read by the broker when
/// asked. So a write needs no atomic read-modify-write, only a store the reader sees whole.
/// </summary>
internal sealed class SubscriptionStats
{
    private long _pending;
    private long _queued;
    private long _delivered;
    private long _redelivered;
    private long _dropped;

    public long Pending => Volatile.Read(ref _pending);

    public long Queued => Volatile.Read(ref _queued);

    public long Delivered => Volatile.Read(ref _delivered);

    public long Redelivered => Volatile.Read(ref _redelivered);

    public long Dropped => Volatile.Read(ref _dropped);

    public void SetPending(long value) => Volatile.Write(ref _pending, value);

    public void SetQueued(long value) => Volatile.Write(ref _queued, value);

    public void CountDelivered(bool redelivered)
    {
        Volatile.Write(ref _delivered, _delivered + 1);
        if (redelivered)
        {
            Volatile.Write(ref _redelivered, _redelivered + 1);
        }
    }

    public void CountDropped() => Volatile.Write(ref _dropped, _dropped + 1);
}
