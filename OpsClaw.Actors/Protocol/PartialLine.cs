namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The unfinished line a <see cref="LineFramer"/> holds. Up to 64 KiB it is one pooled array grown by
/// doubling, as most split lines are short; past that it goes on in further 64 KiB pooled segments
/// instead of ever larger arrays. A megabyte line then never leaves a trail of outgrown arrays behind
/// it: with a thousand clients each sending one, that trail was as large as the lines themselves, and
/// stayed until the GC got round to it. A line that spans segments is joined into one array only once
/// it is complete.
/// </summary>
internal sealed class PartialLine : IDisposable
{
    private const int SegmentBytes = ByteBuffers.PooledMaxBytes;
    private const int FirstBytes = 256;

    private byte[]? _first;
    private List<byte[]>? _more;

    public int Length { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var room = Room(bytes.Length);
            var taken = Math.Min(room.Length, bytes.Length);
            bytes[..taken].CopyTo(room);
            Length += taken;
            bytes = bytes[taken..];
        }
    }

    /// <summary>
    /// The whole line as one span, valid until <see cref="Clear"/>. A line in more than one segment is
    /// copied into <paramref name="joined"/>, which the caller gives back to <see cref="ByteBuffers"/>.
    /// </summary>
    public ReadOnlySpan<byte> Contiguous(out byte[]? joined)
    {
        if (_more is null)
        {
            joined = null;
            return _first.AsSpan(0, Length);
        }

        joined = ByteBuffers.Rent(Length);
        _first.AsSpan().CopyTo(joined);
        var at = SegmentBytes;
        foreach (var segment in _more)
        {
            var part = Math.Min(SegmentBytes, Length - at);
            segment.AsSpan(0, part).CopyTo(joined.AsSpan(at));
            at += part;
        }

        return joined.AsSpan(0, Length);
    }

    /// <summary>Lets go of every array, so an idle connection holds none.</summary>
    public void Clear()
    {
        if (_first is not null)
        {
            ByteBuffers.Return(_first);
            _first = null;
        }

        _more?.ForEach(ByteBuffers.Return);
        _more = null;
        Length = 0;
    }

    public void Dispose() => Clear();

    /// <summary>Free space right after the held bytes, growing the first array or adding a segment when there is none.</summary>
    private Span<byte> Room(int wanted)
    {
        if (Length < SegmentBytes)
        {
            if (_first is null || _first.Length == Length)
            {
                var size = Math.Min(SegmentBytes, Math.Max(Length + wanted, Math.Max(FirstBytes, (_first?.Length ?? 0) * 2)));
                var grown = ByteBuffers.Rent(size);
                if (_first is not null)
                {
                    _first.AsSpan(0, Length).CopyTo(grown);
                    ByteBuffers.Return(_first);
                }

                _first = grown;
            }

            return _first.AsSpan(Length);
        }

        var beyond = Length - SegmentBytes;
        var index = beyond / SegmentBytes;
        _more ??= [];
        if (index == _more.Count)
        {
            _more.Add(ByteBuffers.Rent(SegmentBytes));
        }

        return _more[index].AsSpan(beyond % SegmentBytes);
    }
}
