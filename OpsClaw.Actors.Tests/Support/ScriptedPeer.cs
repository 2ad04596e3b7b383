using System.Net.Sockets;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A Unix listener that plays the host for client specs: the spec reads what the client sent and
/// writes exactly the bytes it chooses, including lines the real host never sends.
/// </summary>
public sealed class ScriptedPeer : IDisposable
{
    private readonly Socket _listener;

    private ScriptedPeer(Socket listener, string path)
    {
        _listener = listener;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Listens at <paramref name="path"/>; its directory must already exist.</summary>
    public static ScriptedPeer Listen(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            return new ScriptedPeer(listener, path);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>The next client; fails rather than waits forever when none connects.</summary>
    public async Task<RawConnection> AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return RawConnection.Over(await _listener.AcceptAsync(timeout.Token));
    }

    public void Dispose() => _listener.Dispose();
}
