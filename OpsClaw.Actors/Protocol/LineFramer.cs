namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Cuts an NDJSON byte stream, arriving in chunks of any size, into lines (docs/api-reference.md, "Transport and framing").
/// Lines that sit wholly inside one chunk are handed on without a copy; only a line split across
/// chunks is buffered (see <see cref="PartialLine"/>), and never past <c>maxLineBytes</c>. The buffer
/// is held only while a partial line is, so an idle connection holds no line memory at all.
/// </summary>
internal sealed class LineFramer : IDisposable
{
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly int _maxLineBytes;
    private readonly PartialLine _partial = new();
    private bool _discardingOversizeLine;

    public LineFramer(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
    }

    public int MaxLineBytes => _maxLineBytes;

    /// <summary>Bytes of an unfinished line currently held.</summary>
    public int BufferedBytes => _partial.Length;

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
            else if (_partial.Length + segment.Length > _maxLineBytes)
            {
                _partial.Clear();
                _discardingOversizeLine = newLineAt < 0;
                sink.OnFrameTooLarge();
            }
            else if (newLineAt < 0)
            {
                _partial.Append(segment);
            }
            else if (_partial.Length == 0)
            {
                Emit(segment, sink);
            }
            else
            {
                _partial.Append(segment);
                EmitPartial(sink);
            }

            chunk = rest;
        }
    }

    /// <summary>End of stream: a final line without <c>\n</c> still counts as a line.</summary>
    public void Complete(ILineSink sink)
    {
        _discardingOversizeLine = false;
        if (_partial.Length > 0)
        {
            EmitPartial(sink);
        }
    }

    public void Dispose() => _partial.Dispose();

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

    private void EmitPartial(ILineSink sink)
    {
        var line = _partial.Contiguous(out var joined);
        try
        {
            Emit(line, sink);
        }
        finally
        {
            if (joined is not null)
            {
                ByteBuffers.Return(joined);
            }

            _partial.Clear();
        }
    }
}
