namespace OpsClaw.Actors.Streams;

/// <summary>
/// The retained range of a stream and its size, summed per block of <see cref="BlockSize"/> messages
/// so that a stream of millions costs kilobytes to track and to snapshot. <c>max-messages</c> is kept
/// exactly; <c>max-bytes</c> and <c>max-age</c> delete whole blocks, oldest first (so up to one block
/// more than strictly needed may go, and a message may outlive <c>max-age</c> until the newest of its
/// block is that old).
/// </summary>
internal sealed class RetentionIndex
{
    public const int BlockSize = 256;

    private readonly List<RetentionBlock> _blocks = [];

    /// <summary>The oldest retained sequence number; <see cref="LastSeq"/> + 1 when none is.</summary>
    public long FirstSeq { get; private set; } = 1;

    /// <summary>The newest sequence number stored (0 before the first).</summary>
    public long LastSeq { get; private set; }

    public long Messages => LastSeq - FirstSeq + 1;

    public long Bytes { get; private set; }

    /// <summary>Counts a message stored at <paramref name="seq"/>: the next one, or, in recovery, the first left after a delete.</summary>
    public void Add(long seq, long bytes, long storedAt)
    {
        if (Messages > 0 && seq > LastSeq + 1)
        {
            // Recovery replays what retention left; a snapshot older than a delete still counts what it deleted.
            _blocks.Clear();
            Bytes = 0;
        }

        if (Messages == 0 || seq > LastSeq + 1)
        {
            FirstSeq = seq;
        }

        LastSeq = seq;
        Bytes += bytes;
        if (_blocks.Count > 0 && _blocks[^1] is var last && last.LastSeq - last.FirstSeq + 1 < BlockSize && last.LastSeq == seq - 1)
        {
            _blocks[^1] = last with { LastSeq = seq, Bytes = last.Bytes + bytes, NewestAt = Math.Max(last.NewestAt, storedAt) };
        }
        else
        {
            _blocks.Add(new RetentionBlock(seq, seq, bytes, storedAt));
        }
    }

    /// <summary>
    /// Applies the stream's limits at <paramref name="now"/> (UTC ticks): the sequence number up to which
    /// messages are to be deleted, or null when all fit.
    /// </summary>
    public long? Trim(StreamSettings limits, long now)
    {
        var before = FirstSeq;
        if (limits.MaxMessages is { } maxMessages && Messages > maxMessages)
        {
            CutTo(LastSeq - maxMessages);
        }

        while (limits.MaxBytes is { } maxBytes && Bytes > maxBytes && _blocks.Count > 0)
        {
            CutTo(_blocks[0].LastSeq);
        }

        while (limits.MaxAge is { } maxAge && _blocks.Count > 0 && _blocks[0].NewestAt < now - maxAge.Ticks)
        {
            CutTo(_blocks[0].LastSeq);
        }

        return FirstSeq > before ? FirstSeq - 1 : null;
    }

    public StreamSnapshot ToSnapshot() => new(FirstSeq, [.. _blocks]);

    /// <summary>The index as a snapshot left it; the messages stored after it are then <see cref="Add"/>ed again.</summary>
    public void Restore(StreamSnapshot snapshot)
    {
        _blocks.Clear();
        _blocks.AddRange(snapshot.Blocks);
        FirstSeq = snapshot.FirstSeq;
        LastSeq = _blocks.Count > 0 ? _blocks[^1].LastSeq : snapshot.FirstSeq - 1;
        Bytes = _blocks.Sum(block => block.Bytes);
    }

    /// <summary>The journal's own highest sequence number wins: a stream emptied by retention keeps counting from it.</summary>
    public void AtLeast(long lastSeq)
    {
        if (lastSeq > LastSeq)
        {
            LastSeq = lastSeq;
            FirstSeq = Math.Max(FirstSeq, _blocks.Count == 0 ? lastSeq + 1 : FirstSeq);
        }
    }

    /// <summary>Drops everything up to <paramref name="seq"/>; a block cut through keeps its share of the bytes.</summary>
    private void CutTo(long seq)
    {
        while (_blocks.Count > 0 && _blocks[0].LastSeq <= seq)
        {
            Bytes -= _blocks[0].Bytes;
            _blocks.RemoveAt(0);
        }

        if (_blocks.Count > 0 && _blocks[0].FirstSeq <= seq)
        {
            var block = _blocks[0];
            var count = block.LastSeq - block.FirstSeq + 1;
            var kept = block.LastSeq - seq;
            var keptBytes = block.Bytes * kept / count;
            Bytes -= block.Bytes - keptBytes;
            _blocks[0] = block with { FirstSeq = seq + 1, Bytes = keptBytes };
        }

        FirstSeq = Math.Max(FirstSeq, seq + 1);
    }
}
