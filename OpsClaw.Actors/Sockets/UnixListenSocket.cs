using System.Net.Sockets;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Binds a channel's listening socket inside the checked <see cref="SocketDirectory"/> without any
/// path-based step that a swapped symlink could redirect: the socket's mode is set on its descriptor
/// before bind, bind goes through the real path whose every directory only root and this uid can
/// change, and the new entry is then found through the directory descriptor, checked to be a socket
/// of ours, and its mode corrected (the umask may strip bits) through an O_PATH descriptor of it.
/// listen() comes last, so no client connects while the mode is still wrong.
/// </summary>
/// <remarks>
/// Bound with libc rather than <see cref="Socket.Bind"/>: .NET deletes a bound socket's file by
/// path when it is disposed, and this host must delete it only if the path still names its own
/// socket (<see cref="SocketDirectory.RemoveIfOurs"/>).
/// </remarks>
internal static class UnixListenSocket
{
    /// <param name="directory">The socket directory, held open.</param>
    /// <param name="fileName">The socket's name in it, e.g. <c>runtime.sock</c>.</param>
    /// <param name="mode">The mode the socket file must have before listen().</param>
    /// <param name="backlog">The listen() backlog.</param>
    /// <param name="afterBind">Runs between bind() and the check of what the path names (specs swap files in there).</param>
    public static (Socket Socket, FileIdentity Identity) Bind(
        SocketDirectory directory, string fileName, UnixFileMode mode, int backlog, Action? afterBind = null)
    {
        var path = directory.PathOf(fileName);
        SocketPaths.ReclaimStale(directory, fileName);
        var handle = new SafeSocketHandle(Native.UnixStreamSocket(), ownsHandle: true);
        try
        {
            var fd = (int)handle.DangerousGetHandle();
            // Best effort: the sockfs inode's mode is what bind() gives the file; the check below is what counts.
            _ = Native.Fchmod(fd, mode);
            if (Native.BindUnix(fd, directory.BindPath(fileName)) is { } bindError)
            {
                throw new IOException($"cannot bind {path}: {Native.Describe(bindError)}", bindError);
            }

            afterBind?.Invoke();
            var identity = EnsureModeOfOwnSocket(directory, fileName, mode);
            if (Native.Listen(fd, backlog) is { } listenError)
            {
                throw new IOException($"cannot listen on {path}: {Native.Describe(listenError)}", listenError);
            }

            return (new Socket(handle), identity);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static FileIdentity EnsureModeOfOwnSocket(SocketDirectory directory, string fileName, UnixFileMode mode)
    {
        var path = directory.PathOf(fileName);
        using var entry = Native.OpenPathAt(directory.Fd, fileName, out var errno);
        if (errno != 0)
        {
            throw new IOException($"{path} vanished right after bind: {Native.Describe(errno)}", errno);
        }

        var status = Native.Stat(entry, path);
        if (status.Type != FileType.Socket || status.Uid != Native.EffectiveUid())
        {
            throw IpcStartupException.ForSetting(
                $"{path} was replaced by {status.TypeName} of uid {status.Uid} while opsclaw bound it; " +
                "another process is writing to the socket directory: stop it or choose another socket directory ({setting})",
                SocketDirectory.Setting);
        }

        if (status.Mode != mode && Native.ChmodThroughProc(entry, mode) is { } chmodError)
        {
            throw new IOException($"cannot set the mode of {path}: {Native.Describe(chmodError)}", chmodError);
        }

        return status.Identity;
    }
}
