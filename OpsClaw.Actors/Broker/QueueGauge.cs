namespace OpsClaw.Actors.Broker;

/// <summary>
/// How many messages an explicit-ack queue (one subscription or one queue group) holds, shared by the
/// broker, which admits publishes, and the queue's actor, which settles them. The broker must answer
/// a publish at once, before the queue's actor has seen it, so admission cannot wait for the actor:
/// the broker takes a place here when it accepts a message, the actor gives it back when the message
/// is acknowledged or dropped. A queue holds at most the <c>max_pending</c> of its members plus
/// <c>broker.max-queued</c> (docs/protocol.md §9.4); a publish past that is refused and stored nowhere.
/// </summary>
internal sealed class QueueGauge(int maxQueued)
{
    private long _held;
    private long _pendingCapacity;

    /// <summary>Messages accepted and not yet settled: unacknowledged, waiting, or on their way to the queue's actor.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Messages waiting behind <c>max_pending</c> (an estimate: the actor's own count is exact).</summary>
    public long Queued => Math.Max(0, Held - Interlocked.Read(ref _pendingCapacity));

    public int MaxQueued { get; } = maxQueued;

    /// <summary>Places free now: the members' <c>max_pending</c> plus <see cref="MaxQueued"/>, less what is held.</summary>
    public long Room => Interlocked.Read(ref _pendingCapacity) + MaxQueued - Held;

    /// <summary>Takes a place for one message; false when the queue is full (nothing is taken then).</summary>
    public bool TryTake()
    {
        var limit = Interlocked.Read(ref _pendingCapacity) + MaxQueued;
        if (Interlocked.Increment(ref _held) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _held);
        return false;
    }

    /// <summary>Takes a place even past the limit: for a message that was accepted once already and is routed again (docs/cluster.md).</summary>
    public void Take() => Interlocked.Increment(ref _held);

    /// <summary>Gives back a place taken by <see cref="TryTake"/> (a publish refused by another queue, or a message settled).</summary>
    public void Give(int count = 1) => Interlocked.Add(ref _held, -count);

    /// <summary>The members' <c>max_pending</c> added up; the queue's actor sets it as members come and go.</summary>
    public void SetPendingCapacity(long capacity) => Interlocked.Exchange(ref _pendingCapacity, capacity);

    /// <summary>Counts a joining member's room before its queue has read the join.</summary>
    public void AddPendingCapacity(long capacity) => Interlocked.Add(ref _pendingCapacity, capacity);
}
