using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpsClaw.Actors.Sockets;

/// <summary>The few libc calls .NET has no API for: file type, advisory locks, effective uid.</summary>
internal static class Native
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxBufferSize = 256;
    private const int FileTypeMask = 0xF000;
    private const int SocketType = 0xC000;

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
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
}
