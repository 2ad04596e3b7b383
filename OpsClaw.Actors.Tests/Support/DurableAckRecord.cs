namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// What one durable consumer acknowledged, across crashes: the highest seq whose <c>runtime.ack.ok</c>
/// came back (its acknowledged position, since it acks in order) and the highest seq it sent an ack
/// for (which may or may not be stored when the host died before answering).
/// </summary>
public sealed class DurableAckRecord
{
    private long _acknowledged;
    private long _highestSent;

    /// <summary>No seq up to this may be delivered to the consumer again.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Every seq above this was never acked, so it must be delivered again.</summary>
    public long HighestSent => Interlocked.Read(ref _highestSent);

    public void Sending(long seq) => Raise(ref _highestSent, seq);

    public void Answered(long seq) => Raise(ref _acknowledged, seq);

    private static void Raise(ref long field, long seq)
    {
        for (var seen = Interlocked.Read(ref field); seq > seen; seen = Interlocked.Read(ref field))
        {
            if (Interlocked.CompareExchange(ref field, seq, seen) == seen)
            {
                return;
            }
        }
    }
}
