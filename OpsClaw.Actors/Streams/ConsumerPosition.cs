namespace OpsClaw.Actors.Streams;

/// <summary>
/// Where a durable consumer stands in its stream: every message up to <see cref="AckedSeq"/> is done
/// (acknowledged, or never for this consumer), and the ones above it acknowledged out of order are
/// remembered until the floor reaches them. Its size is bounded by what is in flight.
/// </summary>
internal sealed class ConsumerPosition
{
    private readonly HashSet<long> _above = [];

    public long AckedSeq { get; private set; }

    /// <summary>Whether the message at <paramref name="seq"/> needs no delivery.</summary>
    public bool IsDone(long seq) => seq <= AckedSeq || _above.Contains(seq);

    /// <summary>Marks one message done; true when the floor moved.</summary>
    public bool Done(long seq)
    {
        if (seq <= AckedSeq || !_above.Add(seq))
        {
            return false;
        }

        var before = AckedSeq;
        while (_above.Remove(AckedSeq + 1))
        {
            AckedSeq++;
        }

        return AckedSeq > before;
    }

    /// <summary>Everything up to <paramref name="seq"/> is done (a new consumer's start, or messages retention deleted).</summary>
    public void DoneTo(long seq)
    {
        if (seq <= AckedSeq)
        {
            return;
        }

        AckedSeq = seq;
        _above.RemoveWhere(above => above <= seq);
        while (_above.Remove(AckedSeq + 1))
        {
            AckedSeq++;
        }
    }

    public long[] AckedAbove() => [.. _above.Order()];

    public void Restore(long ackedSeq, IEnumerable<long> ackedAbove)
    {
        AckedSeq = ackedSeq;
        _above.Clear();
        foreach (var seq in ackedAbove)
        {
            Done(seq);
        }
    }
}
