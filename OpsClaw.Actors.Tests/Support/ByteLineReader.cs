using System.Net.Sockets;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>Reads raw reply lines (without the '\n') from a socket, so a spec can check their exact bytes.</summary>
public sealed class ByteLineReader(Socket socket)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next line, or null at end of stream. A partial line before EOF is returned with <paramref name="partial"/> set.</summary>
    public async Task<(byte[]? Line, bool Partial)> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = _buffer[_start..newline];
                _start = newline + 1;
                return (line, false);
            }

            Compact();
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel);
            if (read == 0)
            {
                return _end > _start ? (_buffer[_start.._end], true) : (null, false);
            }

            _end += read;
        }
    }

    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }
}
