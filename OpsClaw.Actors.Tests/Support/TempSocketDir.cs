namespace OpsClaw.Actors.Tests.Support;

/// <summary>A fresh, short directory under /tmp (socket paths are limited to 107 bytes), removed on dispose.</summary>
public sealed class TempSocketDir : IDisposable
{
    public TempSocketDir()
    {
        Path = System.IO.Path.Combine("/tmp", "oc-" + Guid.NewGuid().ToString("N")[..12]);
        SocketDir = System.IO.Path.Combine(Path, "sockets");
    }

    /// <summary>The parent; <see cref="SocketDir"/> inside it does not exist until the host creates it.</summary>
    public string Path { get; }

    public string SocketDir { get; }

    public string Socket(string channel) => System.IO.Path.Combine(SocketDir, channel + ".sock");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
