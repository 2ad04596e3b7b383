using System.Text;

namespace OpsClaw.Actors.Sockets;

/// <summary>Checks on the socket directory and socket paths made before anything is bound.</summary>
internal static class SocketPaths
{
    /// <summary>sun_path holds 108 bytes including the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    public static string SocketPath(string directory, string channel) => Path.Combine(directory, FileName(channel));

    /// <summary>The socket file of a channel inside the socket directory.</summary>
    public static string FileName(string channel) => channel + ".sock";

    /// <summary>Refuses a path the kernel cannot bind, with the numbers the user needs to fix it.</summary>
    public static void EnsureBindable(string socketPath)
    {
        var length = Encoding.UTF8.GetByteCount(socketPath);
        if (length > MaxPathBytes)
        {
            throw IpcStartupException.ForSetting(
                $"socket path {socketPath} is {length} bytes; Unix socket paths are limited to {MaxPathBytes} bytes, " +
                "so choose a shorter socket directory ({setting})",
                SocketDirectory.Setting);
        }
    }

    /// <summary>
    /// Clears the way to bind: a leftover socket (we hold the lock, so its host is gone) is removed;
    /// anything else at that name (a file, a symlink, a directory) is never touched.
    /// </summary>
    public static void ReclaimStale(SocketDirectory directory, string fileName)
    {
        switch (Native.KindOf(directory.Fd, fileName))
        {
            case Native.PathKind.Missing:
                return;
            case Native.PathKind.Socket:
                if (Native.UnlinkAt(directory.Fd, fileName) is { } errno && errno != Native.ENOENT)
                {
                    throw new IOException($"cannot remove the stale socket {directory.PathOf(fileName)}: {Native.Describe(errno)}");
                }

                return;
            default:
                var path = directory.PathOf(fileName);
                throw IpcStartupException.ForSetting(
                    $"{path} exists and is not a socket; opsclaw will not replace it: move it away or choose another socket directory ({{setting}})",
                    SocketDirectory.Setting);
        }
    }
}
