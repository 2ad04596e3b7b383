using System.Diagnostics;
using System.Net.Sockets;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Many clients that write and never read, driven from one thread with non-blocking sends, so a
/// spec can push hundreds of connections as hard as the host lets it without a thread per client.
/// </summary>
public sealed class NonReadingClients : IDisposable
{
    private readonly List<Socket> _sockets;

    private NonReadingClients(List<Socket> sockets) => _sockets = sockets;

    public int Count => _sockets.Count;

    public static async Task<NonReadingClients> ConnectAsync(string path, int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                sockets.Add(socket);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                socket.Blocking = false;
            }
        }
        catch
        {
            sockets.ForEach(socket => socket.Dispose());
            throw;
        }

        return new NonReadingClients(sockets);
    }

    /// <summary>
    /// Each client writes <paramref name="pattern"/> over and over, up to <paramref name="bytesPerClient"/>
    /// bytes, as fast as the host takes them. Stops when every client is done, after <paramref name="duration"/>,
    /// or once the host has taken nothing for <paramref name="stall"/>; calls <paramref name="sample"/> between
    /// rounds. Returns the bytes the host took from all clients together.
    /// </summary>
    public long Write(byte[] pattern, long bytesPerClient, TimeSpan duration, TimeSpan stall, Action sample)
    {
        var written = new long[_sockets.Count];
        var index = _sockets.Select((socket, i) => (socket, i)).ToDictionary(pair => pair.socket, pair => pair.i);
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var waiting = new List<Socket>(_sockets.Count);
        while (clock.Elapsed < duration && clock.Elapsed - lastProgress < stall)
        {
            waiting.Clear();
            waiting.AddRange(_sockets.Where((_, i) => written[i] < bytesPerClient));
            if (waiting.Count == 0)
            {
                break;
            }

            // Wait for room (bounded) rather than spin; a socket the host stopped reading stays out of the list.
            Socket.Select(null, waiting, null, TimeSpan.FromMilliseconds(50));
            foreach (var socket in waiting)
            {
                var i = index[socket];
                var offset = (int)(written[i] % pattern.Length);
                var length = (int)Math.Min(pattern.Length - offset, bytesPerClient - written[i]);
                var sent = socket.Send(pattern, offset, length, SocketFlags.None, out var error);
                if (error == SocketError.Success && sent > 0)
                {
                    written[i] += sent;
                    lastProgress = clock.Elapsed;
                }
            }

            sample();
        }

        return written.Sum();
    }

    public void Dispose() => _sockets.ForEach(socket => socket.Dispose());
}
