using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>A supervisor's end of the sd_notify protocol: a datagram socket in a spec's temp directory, for <c>$NOTIFY_SOCKET</c>.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly byte[] _buffer = new byte[4096];

    public NotifySocket(string directory)
    {
        Path = System.IO.Path.Combine(directory, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>The next notice and when it came (from this socket's creation); fails after <paramref name="within"/>.</summary>
    public async Task<(string State, TimeSpan At)> ReceiveAsync(TimeSpan within)
    {
        using var wait = new CancellationTokenSource(within);
        var received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, wait.Token);
        return (Encoding.ASCII.GetString(_buffer, 0, received), _clock.Elapsed);
    }

    public Task<(string State, TimeSpan At)> ReceiveAsync() => ReceiveAsync(TimeSpan.FromSeconds(30));

    public void Dispose() => _socket.Dispose();
}
