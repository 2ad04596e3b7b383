using System.Net.Sockets;
using System.Runtime.InteropServices;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Listening Unix sockets made as systemd makes them for socket activation, for specs that pass them
/// to a host: the spec keeps its own descriptor, so it can check afterwards that the socket still
/// listens and that its file was neither replaced nor removed.
/// </summary>
public static class SupervisorSockets
{
    public static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(16);
        return socket;
    }

    /// <summary>The device and inode of the file at <paramref name="path"/>; fails when it is missing.</summary>
    internal static FileIdentity IdentityOf(string path)
    {
        Assert.Null(Native.TryStat(Native.AtFdCwd, path, out var status));
        Assert.Equal(FileType.Socket, status.Type);
        return status.Identity;
    }

    /// <summary>A copy of the socket's descriptor numbered 10 or above that a child process inherits (not close-on-exec); the caller closes it.</summary>
    public static int InheritableCopy(Socket socket)
    {
        const int duplicateFrom = 0; // F_DUPFD: the copy is not close-on-exec
        var copy = fcntl((int)socket.Handle, duplicateFrom, 10);
        return copy >= 0 ? copy : throw new InvalidOperationException($"fcntl(F_DUPFD) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void Close(int fd) => _ = close(fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
