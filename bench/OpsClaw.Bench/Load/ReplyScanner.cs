namespace OpsClaw.Bench;

/// <summary>
/// Counts reply lines in a connection's byte stream and checks each against the expected pong, so a
/// server that answers wrongly cannot look fast. Only a reply split across reads is copied.
/// </summary>
internal sealed class ReplyScanner
{
    private readonly byte[] _partial = new byte[Wire.PongLine.Length];
    private int _partialLength;
    private bool _partialOverflow;

    public long Mismatches { get; private set; }

    /// <summary>Returns the number of complete reply lines in <paramref name="chunk"/> and any carried-over start.</summary>
    public int Scan(ReadOnlySpan<byte> chunk)
    {
        var lines = 0;
        int newLine;
        while ((newLine = chunk.IndexOf((byte)'\n')) >= 0)
        {
            var piece = chunk[..(newLine + 1)];
            if (_partialLength == 0 && !_partialOverflow)
            {
                Check(piece);
            }
            else
            {
                Carry(piece);
                Check(_partialOverflow ? [] : _partial.AsSpan(0, _partialLength));
                _partialLength = 0;
                _partialOverflow = false;
            }

            lines++;
            chunk = chunk[(newLine + 1)..];
        }

        Carry(chunk);
        return lines;
    }

    private void Check(ReadOnlySpan<byte> line)
    {
        if (!line.SequenceEqual(Wire.PongLine))
        {
            Mismatches++;
        }
    }

    private void Carry(ReadOnlySpan<byte> piece)
    {
        if (_partialOverflow || _partialLength + piece.Length > _partial.Length)
        {
            // Longer than a pong, so already wrong; only the line count still matters.
            _partialOverflow = true;
            return;
        }

        piece.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += piece.Length;
    }
}
