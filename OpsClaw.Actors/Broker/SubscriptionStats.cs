namespace OpsClaw.Actors.Broker;

/// <summary>
/// The live figures of one subscription, for <c>control.topics</c>. Written by the actor that owns
/// each figure (the connection for what it holds unwritten, the acknowledgement queue for what is
/// unacknowledged) and read by the broker when asked, so every field is read and written atomically.
/// </summary>
internal sealed class SubscriptionStats
{
    private long _pending;
    private long _queued;
    private long _delivered;
    private long _redelivered;
    private long _dropped;

    public long Pending => Interlocked.Read(ref _pending);

    public long Queued => Interlocked.Read(ref _queued);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Redelivered => Interlocked.Read(ref _redelivered);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void AddPending(long change) => Interlocked.Add(ref _pending, change);

    public void SetPending(long value) => Interlocked.Exchange(ref _pending, value);

    public void SetQueued(long value) => Interlocked.Exchange(ref _queued, value);

    public void CountDelivered(bool redelivered)
    {
        Interlocked.Increment(ref _delivered);
        if (redelivered)
        {
            Interlocked.Increment(ref _redelivered);
        }
    }

    public void CountDropped() => Interlocked.Increment(ref _dropped);
}
