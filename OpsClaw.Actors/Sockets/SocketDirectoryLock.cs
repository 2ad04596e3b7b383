using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The exclusive lock on <c>&lt;dir&gt;/opsclaw.lock</c> (protocol.md §7), held for the host's
/// lifetime. It is a kernel advisory lock (flock), so it dies with the process: a host killed with
/// -9 leaves a lock file that the next host simply locks again.
/// </summary>
public sealed class SocketDirectoryLock : IDisposable
{
    public const string FileName = "opsclaw.lock";

    private readonly SafeFileHandle _handle;
    private bool _disposed;

    private SocketDirectoryLock(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    /// <exception cref="IpcStartupException">another live process holds the lock.</exception>
    public static SocketDirectoryLock Acquire(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);

        var handle = Native.OpenUnlocked(path, create: true);
        if (Native.flock((int)handle.DangerousGetHandle(), Native.LockExclusive | Native.LockNonBlocking) != 0)
        {
            handle.Dispose();
            throw new IpcStartupException(
                $"socket directory {directory} is in use by another opsclaw host (pid {ReadHolderPid(path)}); " +
                "stop it first or pass a different --dir");
        }

        var pidLine = System.Text.Encoding.ASCII.GetBytes(
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        RandomAccess.SetLength(handle, 0);
        RandomAccess.Write(handle, pidLine, 0);
        RandomAccess.FlushToDisk(handle);
        return new SocketDirectoryLock(path, handle);
    }

    /// <summary>Removes the lock file, then releases the lock, so no second host can lock a file that is about to vanish.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            File.Delete(Path);
        }
        finally
        {
            _handle.Dispose();
        }
    }

    private static string ReadHolderPid(string path)
    {
        try
        {
            using var handle = Native.OpenUnlocked(path, create: false);
            var buffer = new byte[32];
            var length = RandomAccess.Read(handle, buffer, 0);
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, length).Trim();
            return text.Length > 0 ? text : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
