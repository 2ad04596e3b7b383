namespace OpsClaw.Bench;

/// <summary>
/// Which sequence numbers of one publisher some member of a group has received, shared by every
/// member's thread: a bit per number, in chunks allocated as the numbers reach them.
/// </summary>
internal sealed class SeenSet
{
    private const int ChunkBits = 1 << 22;
    private const int MaxChunks = 256;

    private readonly long[]?[] _chunks = new long[MaxChunks][];
    private long _count;

    /// <summary>Distinct numbers added.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Adds <paramref name="sequence"/>; false if it was there already (a duplicate), or lies past the set's range.</summary>
    public bool Add(long sequence)
    {
        var chunkIndex = sequence / ChunkBits;
        if (sequence < 0 || chunkIndex >= MaxChunks)
        {
            return false;
        }

        var chunk = Volatile.Read(ref _chunks[chunkIndex]);
        if (chunk is null)
        {
            _ = Interlocked.CompareExchange(ref _chunks[chunkIndex], new long[ChunkBits / 64], null);
            chunk = Volatile.Read(ref _chunks[chunkIndex])!;
        }

        var bit = sequence % ChunkBits;
        var mask = 1L << (int)(bit % 64);
        if ((Interlocked.Or(ref chunk[bit / 64], mask) & mask) != 0)
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        return true;
    }
}
