using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// A connection's receive buffer: bytes are read after what is left unparsed, whole frames are
/// parsed off the front, and a frame cut by a read waits in place for the rest.
/// </summary>
internal sealed class FrameBuffer
{
    private const int Size = 256 * 1024;
    private const int MinimumRead = 64 * 1024;

    private readonly byte[] _bytes = new byte[Size];
    private int _start;
    private int _end;

    /// <summary>Reads once; returns false when the peer has closed the connection.</summary>
    public async ValueTask<bool> ReceiveAsync(Socket socket, CancellationToken cancel)
    {
        if (Size - _end < MinimumRead)
        {
            if (_start == 0)
            {
                throw new InvalidDataException($"a frame longer than {Size - MinimumRead} bytes");
            }

            _bytes.AsSpan(_start, _end - _start).CopyTo(_bytes);
            _end -= _start;
            _start = 0;
        }

        var read = await socket.ReceiveAsync(_bytes.AsMemory(_end), SocketFlags.None, cancel).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    /// <summary>Hands every whole frame received so far to <paramref name="sink"/> through the dialect's parser.</summary>
    public void Parse(BrokerDialect dialect, IFrameSink sink)
    {
        _start += dialect.Parse(_bytes.AsSpan(_start, _end - _start), sink);
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }
}
