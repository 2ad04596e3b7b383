using System.Text;

namespace OpsClaw.Actors.Sockets;

/// <summary>Checks on the socket directory and socket paths made before anything is bound.</summary>
public static class SocketPaths
{
    /// <summary>sun_path holds 108 bytes including the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    public static string SocketPath(string directory, string channel) => Path.Combine(directory, channel + ".sock");

    /// <summary>Creates the directory with mode 0700 when missing; refuses one that other users can write to.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (File.Exists(directory))
        {
            throw new IpcStartupException($"socket directory {directory} exists but is not a directory");
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }

        var mode = File.GetUnixFileMode(directory);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IpcStartupException(
                $"socket directory {directory} is writable by other users (mode {Convert.ToString((int)mode, 8)}); " +
                $"run 'chmod 700 {directory}' or choose another --dir");
        }
    }

    /// <summary>Refuses a path the kernel cannot bind, with the numbers the user needs to fix it.</summary>
    public static void EnsureBindable(string socketPath)
    {
        var length = Encoding.UTF8.GetByteCount(socketPath);
        if (length > MaxPathBytes)
        {
            throw new IpcStartupException(
                $"socket path {socketPath} is {length} bytes; Unix socket paths are limited to {MaxPathBytes} bytes, " +
                "so choose a shorter --dir");
        }
    }

    /// <summary>
    /// Clears the way to bind: a leftover socket (we hold the lock, so its host is gone) is removed;
    /// anything else at that path is never touched.
    /// </summary>
    public static void ReclaimStale(string socketPath)
    {
        switch (Native.KindOf(socketPath))
        {
            case Native.PathKind.Missing:
                return;
            case Native.PathKind.Socket:
                File.Delete(socketPath);
                return;
            default:
                throw new IpcStartupException(
                    $"{socketPath} exists and is not a socket; opsclaw will not replace it: move it away or choose another --dir");
        }
    }
}
