namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A fresh temporary directory with a <see cref="ScriptedPeer"/> listening in it at
/// <c>&lt;socketName&gt;</c>: what the client and CLI specs talk to instead of a host. Both go on dispose.
/// </summary>
public sealed class PeerDir : IDisposable
{
    public PeerDir(string socketName)
    {
        Directory.CreateDirectory(Dir.Path);
        SocketPath = System.IO.Path.Combine(Dir.Path, socketName);
        Peer = ScriptedPeer.Listen(SocketPath);
    }

    public TempSocketDir Dir { get; } = new();

    public ScriptedPeer Peer { get; }

    /// <summary>Where the peer listens.</summary>
    public string SocketPath { get; }

    public void Dispose()
    {
        Peer.Dispose();
        Dir.Dispose();
    }
}
