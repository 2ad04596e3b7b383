using System.Numerics;

namespace OpsClaw.Actors.Metrics;

/// <summary>
/// A lock-free latency histogram in microseconds for <c>control.status</c> percentiles: exact
/// below 16 µs, then 8 buckets per power of two (within 12.5%), up to about 2^40 µs. Recording is
/// one interlocked increment, so every connection of a channel can share one.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactBelow = 16;
    private const int SubBucketBits = 3;
    private const int MaxExponent = 40;

    private readonly long[] _counts = new long[BucketOf((1L << (MaxExponent + 1)) - 1) + 1];

    public void Record(long microseconds)
    {
        var value = Math.Clamp(microseconds, 0, (1L << (MaxExponent + 1)) - 1);
        Interlocked.Increment(ref _counts[BucketOf(value)]);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1) in milliseconds; 0 when nothing was recorded.</summary>
    public double QuantileMs(double q)
    {
        var snapshot = new long[_counts.Length];
        long total = 0;
        for (var i = 0; i < snapshot.Length; i++)
        {
            snapshot[i] = Volatile.Read(ref _counts[i]);
            total += snapshot[i];
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var bucket = 0; bucket < snapshot.Length; bucket++)
        {
            seen += snapshot[bucket];
            if (seen >= rank)
            {
                return Math.Round(MidpointOf(bucket) / 1000.0, 3);
            }
        }

        return Math.Round(MidpointOf(snapshot.Length - 1) / 1000.0, 3);
    }

    private static int BucketOf(long value)
    {
        if (value < ExactBelow)
        {
            return (int)value;
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var sub = (int)(value >> (exponent - SubBucketBits)) & ((1 << SubBucketBits) - 1);
        return ExactBelow + ((exponent - 4) << SubBucketBits) + sub;
    }

    private static double MidpointOf(int bucket)
    {
        if (bucket < ExactBelow)
        {
            return bucket;
        }

        var exponent = ((bucket - ExactBelow) >> SubBucketBits) + 4;
        var sub = (bucket - ExactBelow) & ((1 << SubBucketBits) - 1);
        var width = 1L << (exponent - SubBucketBits);
        var lower = (1L << exponent) + (sub * width);
        return lower + (width / 2.0);
    }
}
