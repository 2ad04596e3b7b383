namespace OpsClaw.Bench;

/// <summary>How many publishes all publishers of a run may still send together: unbounded for a timed window, a count for a fill.</summary>
internal sealed class PublishBudget(long total)
{
    private long _left = total;

    public static PublishBudget Unbounded() => new(long.MaxValue);

    /// <summary>Takes up to <paramref name="wanted"/>; returns how many were granted (0 once spent).</summary>
    public int Take(int wanted)
    {
        // Bounded: each failed exchange means another publisher took some, and the count only goes down.
        while (true)
        {
            var left = Volatile.Read(ref _left);
            var granted = (int)Math.Min(left, wanted);
            if (granted == 0 || Interlocked.CompareExchange(ref _left, left - granted, left) == left)
            {
                return granted;
            }
        }
    }
}
