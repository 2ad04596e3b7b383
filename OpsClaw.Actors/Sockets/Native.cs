using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The libc calls .NET has no API for: fd-relative file operations (so a checked directory is never
/// re-resolved by path), file identity, advisory locks, a socket bound without a path-based chmod,
/// the descriptor limit, and whether a socket's peer hung up.
/// </summary>
internal static partial class Native
{
    internal const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7FF;
    private const int StatxBufferSize = 256;

    private const int ReadOnly = 0x0;
    private const int ReadWrite = 0x2;
    private const int Create = 0x40;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int Directory = 0x10000;
    private const int NoFollow = 0x20000;
    private const int CloseOnExec = 0x80000;
    private const int PathOnly = 0x200000;

    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloseOnExec = 0x80000;
    private const int RlimitNoFile = 7;
    private const short PollError = 0x8;
    private const short PollHangUp = 0x10;

    internal const int LockExclusive = 2;
    internal const int LockNonBlocking = 4;

    internal const int ENOENT = 2;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int ELOOP = 40;
    internal const int ENXIO = 6;

    public enum PathKind
    {
        Missing,
        Socket,
        Other,
    }

    /// <summary>What a path is, without following a final symlink (a symlink counts as "other").</summary>
    public static PathKind KindOf(string path) => KindOf(AtFdCwd, path);

    public static PathKind KindOf(int directoryFd, string name)
    {
        if (TryStat(directoryFd, name, out var status) is { } errno)
        {
            return errno == ENOENT ? PathKind.Missing : PathKind.Other;
        }

        return status.Type == FileType.Socket ? PathKind.Socket : PathKind.Other;
    }

    /// <summary>lstat relative to a directory descriptor; the errno when it fails.</summary>
    public static int? TryStat(int directoryFd, string name, out FileStatus status) =>
        Statx(directoryFd, name, AtSymlinkNoFollow, out status);

    /// <summary>fstat of an open descriptor.</summary>
    public static FileStatus Stat(SafeHandle handle, string what)
    {
        var fd = (int)handle.DangerousGetHandle();
        return Statx(fd, string.Empty, AtEmptyPath, out var status) is { } errno
            ? throw Failure($"cannot inspect {what}", errno)
            : status;
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

    /// <summary>Opens an existing directory without following a final symlink.</summary>
    public static SafeFileHandle OpenDirectory(string path, out int errno) =>
        Open(AtFdCwd, path, ReadOnly | Directory | NoFollow | CloseOnExec, 0, out errno);

    /// <summary>
    /// Opens or creates a file inside <paramref name="directoryFd"/> for reading and writing, never
    /// through a symlink, and without blocking should it be a FIFO. .NET's FileStream would also take
    /// a shared flock, which would collide with the exclusive lock this project manages itself.
    /// </summary>
    public static SafeFileHandle OpenOrCreateAt(int directoryFd, string name, int mode, out int errno) =>
        Open(directoryFd, name, ReadWrite | Create | NoFollow | NonBlocking | NoControllingTerminal | CloseOnExec, mode, out errno);

    /// <summary>Opens a file to read with plain open(2), taking no lock of .NET's own.</summary>
    public static SafeFileHandle OpenReadOnly(string path)
    {
        var handle = Open(AtFdCwd, path, ReadOnly | NonBlocking | CloseOnExec, 0, out var errno);
        return errno == 0 ? handle : throw Failure("cannot open " + path, errno);
    }

    /// <summary>An O_PATH descriptor of the entry itself (a symlink stays a symlink); only for fstat and fd-based chmod.</summary>
    public static SafeFileHandle OpenPathAt(int directoryFd, string name, out int errno) =>
        Open(directoryFd, name, PathOnly | NoFollow | CloseOnExec, 0, out errno);

    /// <summary>Removes a directory entry (not a directory) relative to a directory descriptor; the errno when it fails.</summary>
    public static int? UnlinkAt(int directoryFd, string name) =>
        unlinkat(directoryFd, name, 0) == 0 ? null : Marshal.GetLastPInvokeError();

    /// <summary>chmod of exactly the inode an O_PATH descriptor refers to, through its /proc link (what glibc's fchmodat does).</summary>
    public static int? ChmodThroughProc(SafeHandle pathHandle, UnixFileMode mode)
    {
        var link = "/proc/self/fd/" + (int)pathHandle.DangerousGetHandle();
        return chmod(link, (int)mode) == 0 ? null : Marshal.GetLastPInvokeError();
    }

    /// <summary>A new, unbound Unix stream socket (close-on-exec); the caller owns it.</summary>
    public static int UnixStreamSocket()
    {
        var fd = socket(AfUnix, SockStream | SockCloseOnExec, 0);
        return fd >= 0 ? fd : throw Failure("cannot create a Unix socket", Marshal.GetLastPInvokeError());
    }

    /// <summary>Sets the mode of the socket's own inode: bind() gives the file this mode, less the umask.</summary>
    public static int? Fchmod(int fd, UnixFileMode mode) =>
        fchmod(fd, (int)mode) == 0 ? null : Marshal.GetLastPInvokeError();

    /// <summary>bind(2) of a Unix socket to a filesystem path; the errno when it fails.</summary>
    public static int? BindUnix(int fd, string path)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path);
        var address = new byte[2 + 108];
        if (pathBytes.Length > 107)
        {
            return 36; // ENAMETOOLONG
        }

        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)AfUnix);
        pathBytes.CopyTo(address, 2);
        return bind(fd, address, 2 + pathBytes.Length + 1) == 0 ? null : Marshal.GetLastPInvokeError();
    }

    public static int? Listen(int fd, int backlog) =>
        listen(fd, backlog) == 0 ? null : Marshal.GetLastPInvokeError();

    /// <summary>The soft and hard RLIMIT_NOFILE.</summary>
    public static (ulong Soft, ulong Hard) DescriptorLimit()
    {
        var limit = new ulong[2];
        return getrlimit(RlimitNoFile, limit) == 0
            ? (limit[0], limit[1])
            : throw Failure("cannot read the file descriptor limit", Marshal.GetLastPInvokeError());
    }

    /// <summary>Sets the soft RLIMIT_NOFILE (the hard one is kept); the errno when it fails.</summary>
    public static int? SetSoftDescriptorLimit(ulong soft, ulong hard) =>
        setrlimit(RlimitNoFile, [soft, hard]) == 0 ? null : Marshal.GetLastPInvokeError();

    /// <summary>The path with every symlink, "." and ".." resolved (realpath(3)); the errno when it fails.</summary>
    public static string? RealPath(string path, out int errno)
    {
        var resolved = new byte[4096];
        if (realpath(path, resolved) == IntPtr.Zero)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return Encoding.UTF8.GetString(resolved, 0, Array.IndexOf(resolved, (byte)0));
    }

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static IOException Failure(string what, int errno) => new($"{what}: {Describe(errno)}", errno);

    private static SafeFileHandle Open(int directoryFd, string name, int flags, int mode, out int errno)
    {
        var fd = openat(directoryFd, name, flags, mode);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return new SafeFileHandle(fd, ownsHandle: fd >= 0);
    }

    private static int? Statx(int directoryFd, string name, int flags, out FileStatus status)
    {
        // statx's buffer layout is the same on every Linux architecture, unlike struct stat.
        var buffer = new byte[StatxBufferSize];
        if (statx(directoryFd, name, flags, StatxBasicStats, buffer) != 0)
        {
            status = default;
            return Marshal.GetLastPInvokeError();
        }

        status = FileStatus.FromStatx(buffer);
        return null;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    internal static extern int flock(int fd, int operation);

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern int openat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] resolved);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlinkat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmod(int fd, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    private static extern int bind(int fd, byte[] address, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int listen(int fd, int backlog);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollEntry fds, nuint count, int timeoutMs);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, [Out] ulong[] limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ulong[] limit);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PollEntry
    {
        public int Fd;
        public short Requested;
        public short Returned;
    }
}

internal enum FileType
{
    Other,
    Regular,
    Directory,
    Symlink,
    Socket,
    Fifo,
}

/// <summary>A device and inode: which file a path named when it was looked at.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public override string ToString() => $"{Device}:{Inode}";
}

/// <summary>What statx reports of a file, as far as this project needs it.</summary>
internal readonly record struct FileStatus(FileType Type, UnixFileMode Mode, uint Uid, uint LinkCount, FileIdentity Identity)
{
    public static FileStatus FromStatx(ReadOnlySpan<byte> statx)
    {
        var mode = BitConverter.ToUInt16(statx[28..]);
        var type = (mode & 0xF000) switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0xA000 => FileType.Symlink,
            0xC000 => FileType.Socket,
            0x1000 => FileType.Fifo,
            _ => FileType.Other,
        };
        var device = ((ulong)BitConverter.ToUInt32(statx[136..]) << 32) | BitConverter.ToUInt32(statx[140..]);
        return new FileStatus(
            type,
            (UnixFileMode)(mode & 0xFFF),
            BitConverter.ToUInt32(statx[20..]),
            BitConverter.ToUInt32(statx[16..]),
            new FileIdentity(device, BitConverter.ToUInt64(statx[32..])));
    }

    public string TypeName => Type switch
    {
        FileType.Regular => "a regular file",
        FileType.Directory => "a directory",
        FileType.Symlink => "a symbolic link",
        FileType.Socket => "a socket",
        FileType.Fifo => "a FIFO",
        _ => "a device or other special file",
    };

    public string OctalMode => Convert.ToString((int)Mode, 8).PadLeft(3, '0');
}
