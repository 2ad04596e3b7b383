using System.Runtime.InteropServices;
using System.Text;

namespace OpsClaw.Actors.Sockets;

/// <summary>What a descriptor handed to the process is: the checks socket activation makes before it trusts one.</summary>
internal static partial class Native
{
    internal const int EBADF = 9;
    internal const int ENOTSOCK = 88;

    private const int SolSocket = 1;
    private const int SoType = 3;
    private const int SoAcceptConn = 30;
    private const int SoDomain = 39;
    private const int SetDescriptorFlags = 2;
    private const int DuplicateCloseOnExec = 1030;
    private const int DescriptorCloseOnExec = 1;

    /// <summary>Marks a descriptor close-on-exec (as sd_listen_fds does); the errno when it fails (EBADF: not open).</summary>
    public static int? SetCloseOnExec(int fd) =>
        fcntl(fd, SetDescriptorFlags, DescriptorCloseOnExec) == 0 ? null : Marshal.GetLastPInvokeError();

    /// <summary>A new close-on-exec descriptor of the same open socket, numbered 3 or above; the caller owns it.</summary>
    public static int Duplicate(int fd)
    {
        var copy = fcntl(fd, DuplicateCloseOnExec, 3);
        return copy >= 0 ? copy : throw Failure($"cannot duplicate descriptor {fd}", Marshal.GetLastPInvokeError());
    }

    /// <summary>An int socket option at SOL_SOCKET (SO_DOMAIN, SO_TYPE, SO_ACCEPTCONN); the errno when it fails.</summary>
    public static int? SocketOption(int fd, SocketOptionKind option, out int value)
    {
        var length = sizeof(int);
        value = 0;
        var name = option switch
        {
            SocketOptionKind.Domain => SoDomain,
            SocketOptionKind.Type => SoType,
            _ => SoAcceptConn,
        };
        return getsockopt(fd, SolSocket, name, ref value, ref length) == 0 ? null : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// The path a Unix socket is bound to (getsockname); empty for an unbound socket, and starting
    /// with NUL for one in the abstract namespace. Null with the errno when the call fails.
    /// </summary>
    public static string? BoundPath(int fd, out int errno)
    {
        var address = new byte[2 + 108];
        var length = address.Length;
        if (getsockname(fd, address, ref length) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        var path = address.AsSpan(2, Math.Max(0, Math.Min(length, address.Length) - 2));
        if (path.Length > 0 && path[0] != 0 && path.IndexOf((byte)0) is var end and >= 0)
        {
            path = path[..end];
        }

        return Encoding.UTF8.GetString(path);
    }

    internal enum SocketOptionKind
    {
        Domain,
        Type,
        AcceptsConnections,
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int getsockopt(int fd, int level, int name, ref int value, ref int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int getsockname(int fd, byte[] address, ref int length);
}
