using System.Net.Sockets;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// A listening socket the supervisor created and passed in (socket activation), checked and owned by
/// the IPC root for the host's lifetime. Each listener incarnation serves a duplicate of it
/// (<see cref="Duplicate"/>), so a listener that is restarted can serve it again; the socket file is
/// the supervisor's, so nothing here binds, changes or removes it.
/// </summary>
internal sealed class PassedListener : IDisposable
{
    private readonly SafeSocketHandle _handle;

    private PassedListener(SafeSocketHandle handle, ListenFds.Passed source, string boundPath)
    {
        _handle = handle;
        Source = source;
        BoundPath = boundPath;
    }

    public ListenFds.Passed Source { get; }

    /// <summary>The path the socket is bound to, as the supervisor bound it.</summary>
    public string BoundPath { get; }

    /// <summary>The socket file's device and inode when it was taken, for the files check.</summary>
    public FileIdentity Identity { get; private set; }

    /// <summary>
    /// Checks that <paramref name="passed"/> is a listening Unix stream socket bound to a path, then
    /// takes it into this process's ownership (close-on-exec, closed on dispose). A descriptor that
    /// fails the checks is left as it is: a LISTEN_FDS larger than what was passed would otherwise
    /// have this close a descriptor the runtime opened for itself.
    /// </summary>
    /// <exception cref="IpcStartupException">it is not open, not such a socket, or not bound to a path.</exception>
    public static PassedListener Take(ListenFds.Passed passed)
    {
        var boundPath = Check(passed);
        if (Native.SetCloseOnExec(passed.Fd) is { } errno)
        {
            throw new IpcStartupException($"socket activation: cannot use {passed}: {Native.Describe(errno)}");
        }

        return new PassedListener(new SafeSocketHandle((IntPtr)passed.Fd, ownsHandle: true), passed, boundPath);
    }

    /// <summary>
    /// Finds the socket file the passed socket is bound to in the checked socket directory and
    /// records its identity, so the files check notices it being removed or replaced.
    /// </summary>
    /// <exception cref="IpcStartupException">the file is gone or is no longer a socket.</exception>
    public void FindFile(SocketDirectory directory, string fileName)
    {
        var path = directory.PathOf(fileName);
        if (directory.StatusOf(fileName) is not { } status)
        {
            throw new IpcStartupException(
                $"socket activation: {Source} is bound to {path}, but that file no longer exists (it was removed while the socket stayed open); " +
                "restart its socket unit so that it is created again");
        }

        if (status.Type != FileType.Socket)
        {
            throw new IpcStartupException($"socket activation: {Source} is bound to {path}, but {path} is now {status.TypeName}");
        }

        Identity = status.Identity;
    }

    /// <summary>A socket for one listener incarnation to accept on and close; the passed descriptor stays open.</summary>
    public Socket Duplicate() => new(new SafeSocketHandle(Native.Duplicate(Fd), ownsHandle: true));

    public void Dispose() => _handle.Dispose();

    private int Fd => (int)_handle.DangerousGetHandle();

    private static string Check(ListenFds.Passed passed)
    {
        const int unixFamily = 1;
        const int streamType = 1;
        if (Native.SocketOption(passed.Fd, Native.SocketOptionKind.Domain, out var family) is { } errno)
        {
            throw new IpcStartupException(errno switch
            {
                Native.EBADF => $"socket activation: {passed} is not open; LISTEN_FDS counts more descriptors than the supervisor passed",
                Native.ENOTSOCK => $"socket activation: {passed} is not a socket",
                _ => $"socket activation: cannot inspect {passed}: {Native.Describe(errno)}",
            });
        }

        if (family != unixFamily)
        {
            throw new IpcStartupException($"socket activation: {passed} is not a Unix socket (address family {family}); opsclaw serves Unix sockets only (ListenStream=/path)");
        }

        _ = Native.SocketOption(passed.Fd, Native.SocketOptionKind.Type, out var type);
        if (type != streamType)
        {
            throw new IpcStartupException($"socket activation: {passed} is not a stream socket (socket type {type}); pass it with ListenStream=, not ListenDatagram= or ListenSequentialPacket=");
        }

        _ = Native.SocketOption(passed.Fd, Native.SocketOptionKind.AcceptsConnections, out var listening);
        if (listening == 0)
        {
            throw new IpcStartupException($"socket activation: {passed} is not listening; pass a listening socket (Accept=no)");
        }

        var path = Native.BoundPath(passed.Fd, out var nameErrno)
            ?? throw new IpcStartupException($"socket activation: cannot read the address of {passed}: {Native.Describe(nameErrno)}");
        return path.Length > 0 && path[0] != '\0'
            ? path
            : throw new IpcStartupException($"socket activation: {passed} is not bound to a file (it is unnamed or in the abstract namespace); clients find opsclaw's sockets by path");
    }
}
