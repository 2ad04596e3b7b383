using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpsClaw.Actors.Sockets;

/// <summary>The few libc calls .NET has no API for: file type, advisory locks, effective uid, hang-up.</summary>
internal static class Native
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxBufferSize = 256;
    private const int FileTypeMask = 0xF000;
    private const int SocketType = 0xC000;
    private const short PollError = 0x8;
    private const short PollHangUp = 0x10;

    internal const int LockExclusive = 2;
    internal const int LockNonBlocking = 4;
    internal const int WouldBlock = 11;

    public enum PathKind
    {
        Missing,
        Socket,
        Other,
    }

    /// <summary>What a path is, without following a final symlink (a symlink counts as "other").</summary>
    public static PathKind KindOf(string path)
    {
        // statx's buffer layout is the same on every Linux architecture, unlike struct stat.
        var buffer = new byte[StatxBufferSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 /* ENOENT */ ? PathKind.Missing : PathKind.Other;
        }

        var mode = BitConverter.ToUInt16(buffer, StatxModeOffset);
        return (mode & FileTypeMask) == SocketType ? PathKind.Socket : PathKind.Other;
    }

    public static uint EffectiveUid() => geteuid();

    /// <summary>
    /// Whether the peer of a connected socket has closed it entirely (or it has failed), so nothing
    /// written to it can be read any more. Unlike a receive, this says so even while unread bytes are
    /// queued, and it does not wait.
    /// </summary>
    public static bool HungUp(Socket socket)
    {
        // poll(2) reports POLLHUP and POLLERR whatever events are asked for; asking for none leaves only those.
        var entry = new PollEntry { Fd = (int)socket.Handle };
        return poll(ref entry, 1, 0) > 0 && (entry.Returned & (PollHangUp | PollError)) != 0;
    }

    /// <summary>
    /// Opens a file with plain open(2). .NET's own FileStream takes a shared flock on Unix, which
    /// would collide with the exclusive lock this project manages itself.
    /// </summary>
    public static SafeFileHandle OpenUnlocked(string path, bool create)
    {
        const int ReadOnly = 0x0, ReadWrite = 0x2, Create = 0x40, CloseOnExec = 0x80000;
        var flags = (create ? ReadWrite | Create : ReadOnly) | CloseOnExec;
        var fd = open(path, flags, 0x1A4 /* 0644 */);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    internal static extern int flock(int fd, int operation);

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollEntry fds, nuint count, int timeoutMs);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PollEntry
    {
        public int Fd;
        public short Requested;
        public short Returned;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
}
