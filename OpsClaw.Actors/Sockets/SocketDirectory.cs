using Microsoft.Win32.SafeHandles;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The socket directory, opened once and checked on the open descriptor: not a symlink, owned by the
/// host's effective uid (or root), writable by no one else (as PostgreSQL and OpenSSH require of
/// theirs). Every later file operation is relative to that descriptor, so swapping the path for
/// another directory after the check changes nothing this host touches.
/// </summary>
internal sealed class SocketDirectory : IDisposable
{
    /// <summary>The setting that names this directory, which the remedies of its refusals point at.</summary>
    public const string Setting = IpcSettings.ConfigPath + ".socket-dir";

    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private readonly SafeFileHandle _handle;

    private SocketDirectory(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    internal int Fd => (int)_handle.DangerousGetHandle();

    /// <summary>
    /// Creates <paramref name="path"/> with mode 0700 when missing, then opens and checks it.
    /// </summary>
    /// <exception cref="IpcStartupException">the directory is unsafe or unusable; the message says how to fix it.</exception>
    public static SocketDirectory Open(string path)
    {
        path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (!System.IO.Directory.Exists("/proc/self/fd"))
        {
            throw new IpcStartupException("opsclaw needs /proc mounted: it fixes its sockets' modes through /proc/self/fd so that no path can be swapped under it");
        }

        if (!System.IO.Path.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // The parents are taken as they really are (symlinks resolved) and each must be changeable only
        // by root or this uid: otherwise whoever can rename entries in one could put another directory here.
        var parent = System.IO.Path.GetDirectoryName(path) ?? "/";
        var realParent = Native.RealPath(parent, out var parentErrno)
            ?? throw new IpcStartupException($"cannot resolve the parent of socket directory {path}: {Native.Describe(parentErrno)}");
        CheckParents(path, realParent);
        var realPath = System.IO.Path.Combine(realParent, System.IO.Path.GetFileName(path));
        var handle = Native.OpenDirectory(realPath, out var errno);

        if (errno != 0)
        {
            handle.Dispose();
            // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR or ELOOP depending on its target.
            var isLink = new FileInfo(path).LinkTarget is not null;
            throw new IpcStartupException(errno switch
            {
                _ when isLink => $"socket directory {path} is a symbolic link; opsclaw does not follow it: use the real directory ({RealPathOrUnknown(path)}) instead",
                Native.ENOTDIR or Native.ELOOP => $"socket directory {path} exists but is not a directory",
                _ => $"cannot open socket directory {path}: {Native.Describe(errno)}",
            });
        }

        try
        {
            var status = Native.Stat(handle, "socket directory " + path);
            Check(path, status);
            return new SocketDirectory(path, handle) { RealPath = realPath };
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// The path to give calls that take only a path (bind): through the real parents, which were
    /// checked to be changeable only by root and this uid, so it resolves to the directory this object
    /// opened. It is also the name the kernel reports for the socket (ss, lsof), so it is a real path.
    /// </summary>
    public string BindPath(string name) => System.IO.Path.Combine(RealPath, name);

    /// <summary>The directory's path with its parents' symlinks resolved, as opened.</summary>
    public string RealPath { get; private init; } = "/";

    /// <summary>The entry's identity, or null when it is missing or cannot be inspected.</summary>
    internal FileStatus? StatusOf(string name) =>
        Native.TryStat(Fd, name, out var status) is null ? status : null;

    /// <summary>
    /// Removes <paramref name="name"/> only if it is still <paramref name="identity"/>: a file another
    /// host put there after this one (after the directory was emptied or replaced) is left alone.
    /// </summary>
    /// <returns>true when it was removed; false when it was gone or is no longer ours.</returns>
    public bool RemoveIfOurs(string name, FileIdentity identity)
    {
        if (StatusOf(name) is not { } status || status.Identity != identity)
        {
            return false;
        }

        return Native.UnlinkAt(Fd, name) is not { } errno
            ? true
            : errno == Native.ENOENT ? false : throw new IOException($"cannot remove {PathOf(name)}: {Native.Describe(errno)}");
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Every directory from / down to <paramref name="realParent"/>: owned by root or this uid, and writable by no one else unless sticky (as /tmp).</summary>
    private static void CheckParents(string path, string realParent)
    {
        var hostUid = Native.EffectiveUid();
        var prefix = "/";
        foreach (var part in realParent.Split('/', StringSplitOptions.RemoveEmptyEntries).Prepend(string.Empty))
        {
            prefix = System.IO.Path.Combine(prefix, part);
            if (Native.TryStat(Native.AtFdCwd, prefix, out var status) is { } errno)
            {
                throw new IpcStartupException($"cannot inspect {prefix}, a parent of socket directory {path}: {Native.Describe(errno)}");
            }

            var othersMayRename = (status.Mode & OthersWrite) != 0 && (status.Mode & UnixFileMode.StickyBit) == 0;
            if (status.Type != FileType.Directory || (status.Uid != hostUid && status.Uid != 0) || othersMayRename)
            {
                throw IpcStartupException.ForSetting(
                    $"socket directory {path} is inside {prefix} ({status.TypeName} of uid {status.Uid}, mode {status.OctalMode}), which users other than " +
                    $"root and uid {hostUid} can change; choose a socket directory whose parents only they can change ({{setting}})",
                    Setting);
            }
        }
    }

    private static void Check(string path, FileStatus status)
    {
        var hostUid = Native.EffectiveUid();
        if (status.Uid != hostUid && status.Uid != 0)
        {
            throw IpcStartupException.ForSetting(
                $"socket directory {path} is owned by uid {status.Uid}, but opsclaw runs as uid {hostUid}; " +
                $"run 'chown {hostUid} {path}' and 'chmod 700 {path}', or choose another socket directory ({{setting}})",
                Setting);
        }

        if ((status.Mode & OthersWrite) != 0)
        {
            throw IpcStartupException.ForSetting(
                $"socket directory {path} is writable by other users (mode {status.OctalMode}); " +
                $"run 'chmod 700 {path}' or choose another socket directory ({{setting}})",
                Setting);
        }
    }

    private static string RealPathOrUnknown(string path)
    {
        try
        {
            return new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
