namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Cuts an NDJSON byte stream, arriving in chunks of any size, into lines (protocol.md §2).
/// Lines that sit wholly inside one chunk are handed on without a copy; only a line split across
/// chunks is buffered, and never past <c>maxLineBytes</c>. The buffer is held only while a partial
/// line is, so an idle connection holds no line memory at all, and a large one is never pooled
/// (see <see cref="ByteBuffers"/>), so it is gone once its line is.
/// </summary>
public sealed class LineFramer : IDisposable
{
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly int _maxLineBytes;
    private byte[]? _partial;
    private int _partialLength;
    private bool _discardingOversizeLine;

    public LineFramer(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
    }

    public int MaxLineBytes => _maxLineBytes;

    /// <summary>Bytes of an unfinished line currently held.</summary>
    public int BufferedBytes => _partialLength;

    public void Push(ReadOnlySpan<byte> chunk, ILineSink sink)
    {
        while (!chunk.IsEmpty)
        {
            var newLineAt = chunk.IndexOf(NewLine);
            var segment = newLineAt < 0 ? chunk : chunk[..newLineAt];
            var rest = newLineAt < 0 ? ReadOnlySpan<byte>.Empty : chunk[(newLineAt + 1)..];

            if (_discardingOversizeLine)
            {
                _discardingOversizeLine = newLineAt < 0;
            }
            else if (_partialLength + segment.Length > _maxLineBytes)
            {
                ReleasePartial();
                _discardingOversizeLine = newLineAt < 0;
                sink.OnFrameTooLarge();
            }
            else if (newLineAt < 0)
            {
                AppendPartial(segment);
            }
            else if (_partialLength == 0)
            {
                Emit(segment, sink);
            }
            else
            {
                AppendPartial(segment);
                var line = _partial.AsSpan(0, _partialLength);
                try
                {
                    Emit(line, sink);
                }
                finally
                {
                    ReleasePartial();
                }
            }

            chunk = rest;
        }
    }

    /// <summary>End of stream: a final line without <c>\n</c> still counts as a line.</summary>
    public void Complete(ILineSink sink)
    {
        _discardingOversizeLine = false;
        if (_partialLength == 0)
        {
            return;
        }

        try
        {
            Emit(_partial.AsSpan(0, _partialLength), sink);
        }
        finally
        {
            ReleasePartial();
        }
    }

    public void Dispose() => ReleasePartial();

    private static void Emit(ReadOnlySpan<byte> line, ILineSink sink)
    {
        if (!line.IsEmpty && line[^1] == CarriageReturn)
        {
            line = line[..^1];
        }

        if (!IsBlank(line))
        {
            sink.OnLine(line);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) =>
        line.IndexOfAnyExcept((byte)' ', (byte)'\t', CarriageReturn) < 0;

    private void AppendPartial(ReadOnlySpan<byte> segment)
    {
        if (segment.IsEmpty)
        {
            return;
        }

        var needed = _partialLength + segment.Length;
        if (_partial is null || _partial.Length < needed)
        {
            // Grow geometrically but never past the limit, so one connection can hold at most max-line-bytes.
            var size = Math.Min(_maxLineBytes, Math.Max(needed, Math.Max(256, (_partial?.Length ?? 0) * 2)));
            var grown = ByteBuffers.Rent(size);
            if (_partial is not null)
            {
                _partial.AsSpan(0, _partialLength).CopyTo(grown);
                ByteBuffers.Return(_partial);
            }

            _partial = grown;
        }

        segment.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength = needed;
    }

    private void ReleasePartial()
    {
        if (_partial is not null)
        {
            ByteBuffers.Return(_partial);
            _partial = null;
        }

        _partialLength = 0;
    }
}
