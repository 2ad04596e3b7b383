namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Cuts an NDJSON byte stream, arriving in chunks of any size, into lines (docs/protocol.md §1).
/// The caller pulls one line at a time (<see cref="TryReadLine"/>), so it decides between lines what to
/// do with the next, with nothing of its own on the stack in between. Lines that sit wholly inside one
/// chunk are handed out without a copy; only a line split across chunks is buffered (see
/// <see cref="PartialLine"/>), and never past <c>maxLineBytes</c>. The buffer is held only while a
/// partial line is, so an idle connection holds no line memory at all.
/// </summary>
internal sealed class LineFramer : IDisposable
{
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly int _maxLineBytes;
    private readonly PartialLine _partial = new();
    private bool _discardingOversizeLine;

    /// <summary>The last line handed out came from <see cref="_partial"/>, which is let go at the next call.</summary>
    private bool _partialHandedOut;
    private byte[]? _joined;

    public LineFramer(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
    }

    public int MaxLineBytes => _maxLineBytes;

    /// <summary>Bytes of an unfinished line currently held.</summary>
    public int BufferedBytes => _partialHandedOut ? 0 : _partial.Length;

    /// <summary>
    /// Takes the next frame out of <paramref name="chunk"/>, which is advanced past every byte used (a
    /// <see cref="LineRead.Line"/> ends just after its <c>\n</c>). Call again until it returns
    /// <see cref="LineRead.NeedMore"/>: the chunk is then used up, any unfinished line kept.
    /// </summary>
    /// <param name="chunk">Bytes read and not yet framed; on return, what follows the frame found.</param>
    /// <param name="line">
    /// For <see cref="LineRead.Line"/>: a complete, non-blank line without its <c>\n</c> (and without
    /// one trailing <c>\r</c>), valid until the next call on this framer.
    /// </param>
    public LineRead TryReadLine(ref ReadOnlySpan<byte> chunk, out ReadOnlySpan<byte> line)
    {
        LetGoOfLastLine();
        while (!chunk.IsEmpty)
        {
            var newLineAt = chunk.IndexOf(NewLine);
            var segment = newLineAt < 0 ? chunk : chunk[..newLineAt];
            chunk = newLineAt < 0 ? ReadOnlySpan<byte>.Empty : chunk[(newLineAt + 1)..];

            if (_discardingOversizeLine)
            {
                _discardingOversizeLine = newLineAt < 0;
            }
            else if (_partial.Length + segment.Length > _maxLineBytes)
            {
                _partial.Clear();
                _discardingOversizeLine = newLineAt < 0;
                line = default;
                return LineRead.TooLarge;
            }
            else if (newLineAt < 0)
            {
                _partial.Append(segment);
            }
            else if (_partial.Length == 0)
            {
                if (IsLine(segment, out line))
                {
                    return LineRead.Line;
                }
            }
            else
            {
                _partial.Append(segment);
                if (IsLine(HandOutPartial(), out line))
                {
                    return LineRead.Line;
                }

                // A blank line is not handed out: let it go now, before the next line starts.
                LetGoOfLastLine();
            }
        }

        line = default;
        return LineRead.NeedMore;
    }

    /// <summary>End of stream: a final line without <c>\n</c> still counts as a line.</summary>
    /// <param name="line">Valid until the next call on this framer.</param>
    public bool TryReadFinalLine(out ReadOnlySpan<byte> line)
    {
        LetGoOfLastLine();
        _discardingOversizeLine = false;
        if (_partial.Length > 0)
        {
            return IsLine(HandOutPartial(), out line);
        }

        line = default;
        return false;
    }

    public void Dispose()
    {
        LetGoOfLastLine();
        _partial.Dispose();
    }

    /// <summary>Drops one trailing <c>\r</c>; a line of only blanks is no line.</summary>
    private static bool IsLine(ReadOnlySpan<byte> segment, out ReadOnlySpan<byte> line)
    {
        line = !segment.IsEmpty && segment[^1] == CarriageReturn ? segment[..^1] : segment;
        return line.IndexOfAnyExcept((byte)' ', (byte)'\t', CarriageReturn) >= 0;
    }

    private ReadOnlySpan<byte> HandOutPartial()
    {
        _partialHandedOut = true;
        return _partial.Contiguous(out _joined);
    }

    private void LetGoOfLastLine()
    {
        if (_joined is not null)
        {
            ByteBuffers.Return(_joined);
            _joined = null;
        }

        if (_partialHandedOut)
        {
            _partialHandedOut = false;
            _partial.Clear();
        }
    }
}

/// <summary>What <see cref="LineFramer.TryReadLine"/> found.</summary>
internal enum LineRead
{
    /// <summary>The chunk is used up; an unfinished line, if any, is kept for the next chunk.</summary>
    NeedMore,

    /// <summary>A line was handed out.</summary>
    Line,

    /// <summary>A line passed the byte limit; its remaining bytes up to the next <c>\n</c> are dropped.</summary>
    TooLarge,
}
