using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The exclusive lock on <c>&lt;dir&gt;/opsclaw.lock</c> (docs/api-reference.md, "Socket directory and files"), held for the host's
/// lifetime. It is a kernel advisory lock (flock), so it dies with the process: a host killed with
/// -9 leaves a lock file that the next host simply locks again. The file is opened relative to the
/// checked directory, never through a symlink, and written only if it is a regular file of ours
/// with one link, so it can never be used to truncate someone else's file.
/// </summary>
internal sealed class SocketDirectoryLock : IDisposable
{
    public const string FileName = "opsclaw.lock";

    private readonly SocketDirectory _directory;
    private readonly SafeFileHandle _handle;
    private bool _disposed;

    private SocketDirectoryLock(SocketDirectory directory, SafeFileHandle handle, FileIdentity identity)
    {
        _directory = directory;
        _handle = handle;
        Identity = identity;
    }

    public string Path => _directory.PathOf(FileName);

    /// <summary>The lock file's device and inode, to tell later whether the path still names it.</summary>
    public FileIdentity Identity { get; }

    /// <summary>How often a lock file that vanished between open and flock (its host was stopping) is opened afresh.</summary>
    private const int Attempts = 5;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <exception cref="IpcStartupException">another live process holds the lock, or the lock path is not a file of ours.</exception>
    public static SocketDirectoryLock Acquire(SocketDirectory directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (TryAcquire(directory, out var acquired) is { } locked)
            {
                return locked;
            }

            if (attempt == Attempts)
            {
                throw new IpcStartupException(
                    $"{acquired} kept vanishing while opsclaw tried to lock it; another process is removing it: stop it and start again");
            }
        }
    }

    /// <returns>The lock, or null when the file was unlinked under us (a stopping host removes it before unlocking).</returns>
    private static SocketDirectoryLock? TryAcquire(SocketDirectory directory, out string path)
    {
        path = directory.PathOf(FileName);
        var handle = Native.OpenOrCreateAt(directory.Fd, FileName, (int)OwnerOnly, out var errno);
        if (errno != 0)
        {
            handle.Dispose();
            throw new IpcStartupException(errno switch
            {
                Native.ELOOP => $"{path} is a symbolic link; opsclaw will not follow it: remove it ('rm {path}') and start again",
                Native.EISDIR => $"{path} is a directory, not a lock file: remove it ('rmdir {path}') and start again",
                Native.ENXIO => $"{path} is a special file, not a lock file: remove it ('rm {path}') and start again",
                _ => $"cannot open lock file {path}: {Native.Describe(errno)}",
            });
        }

        try
        {
            var status = Native.Stat(handle, "lock file " + path);
            if (status.LinkCount == 0)
            {
                handle.Dispose();
                return null;
            }

            Check(path, status);

            // A file left by an older host may be readable by others, who could take the flock and keep
            // every host out; only the owner may open it from now on.
            if (status.Mode != OwnerOnly && Native.Fchmod((int)handle.DangerousGetHandle(), OwnerOnly) is { } chmodError)
            {
                throw new IOException($"cannot set the mode of {path}: {Native.Describe(chmodError)}", chmodError);
            }

            if (Native.flock((int)handle.DangerousGetHandle(), Native.LockExclusive | Native.LockNonBlocking) != 0)
            {
                throw IpcStartupException.ForSetting(
                    $"socket directory {directory.Path} is in use by another opsclaw host (pid {ReadHolderPid(handle)}); " +
                    "stop it first or choose another socket directory ({setting})",
                    SocketDirectory.Setting);
            }

            // The lock is only worth something if the name still leads to this file: a host stopping at
            // this moment unlinks it before it unlocks, and the next host would then lock a new file.
            if (directory.StatusOf(FileName) is not { } named || named.Identity != status.Identity || named.LinkCount != 1)
            {
                handle.Dispose();
                return null;
            }

            var pidLine = System.Text.Encoding.ASCII.GetBytes(
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pidLine, 0);
            RandomAccess.FlushToDisk(handle);
            return new SocketDirectoryLock(directory, handle, status.Identity);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Removes the lock file if the path still names it, then releases the lock. A host that opened
    /// the file in between finds it unlinked once it holds the lock and opens the new one instead
    /// (see <see cref="TryAcquire"/>); a lock file another host made is never removed.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _directory.RemoveIfOurs(FileName, Identity);
        }
        finally
        {
            _handle.Dispose();
        }
    }

    private static void Check(string path, FileStatus status)
    {
        var hostUid = Native.EffectiveUid();
        if (status.Type != FileType.Regular)
        {
            throw new IpcStartupException($"{path} is {status.TypeName}, not a lock file: remove it ('rm {path}') and start again");
        }

        if (status.Uid != hostUid)
        {
            throw new IpcStartupException(
                $"{path} is owned by uid {status.Uid}, but opsclaw runs as uid {hostUid}: remove it ('rm {path}') and start again");
        }

        if (status.LinkCount != 1)
        {
            throw new IpcStartupException(
                $"{path} has {status.LinkCount} hard links, so writing it would change another file: remove it ('rm {path}') and start again");
        }
    }

    private static string ReadHolderPid(SafeFileHandle handle)
    {
        try
        {
            var buffer = new byte[32];
            var length = RandomAccess.Read(handle, buffer, 0);
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, length).Trim();
            return text.Length > 0 && text.All(char.IsAsciiDigit) ? text : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
