using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OpsClaw.Actors.Client;

/// <summary>
/// Turns a failed connect into an <see cref="IpcConnectException"/> that says why in words. The
/// socket error alone is not enough: a missing file comes back as "Cannot assign requested address",
/// and a stale socket, a regular file and a directory all come back as "Connection refused"; so the
/// path itself is looked at after the failure.
/// </summary>
internal static class ConnectFailures
{
    public static IpcConnectException PathTooLong(string socketPath, Exception error) =>
        new(socketPath, IpcConnectFailure.PathTooLong,
            $"cannot connect to {socketPath}: the path is {System.Text.Encoding.UTF8.GetByteCount(socketPath)} bytes, " +
            "too long for a Unix socket address (at most 107)", error);

    public static IpcConnectException Explain(string socketPath, SocketException error)
    {
        var (failure, reason) = Classify(socketPath, error);
        return new IpcConnectException(socketPath, failure, $"cannot connect to {socketPath}: {reason}", error);
    }

    private static (IpcConnectFailure, string) Classify(string socketPath, SocketException error)
    {
        switch (PathFile.TypeOf(socketPath, out var errno))
        {
            case PathFile.Kind.Missing when errno == PathFile.ENOTDIR:
                return (IpcConnectFailure.NotFound, "the file does not exist (a part of its path is not a directory)");
            case PathFile.Kind.Missing:
                var directory = Path.GetDirectoryName(socketPath);
                return (IpcConnectFailure.NotFound, directory is null || Directory.Exists(directory)
                    ? "the file does not exist"
                    : $"the file does not exist, nor does its directory {directory}");
            case PathFile.Kind.Unreadable when errno == PathFile.EACCES:
                return (IpcConnectFailure.PermissionDenied, "permission denied: a directory on the way does not let this user through");
        }

        return error.SocketErrorCode switch
        {
            SocketError.AccessDenied => (IpcConnectFailure.PermissionDenied,
                "permission denied: the socket does not let this user connect (connecting takes write permission on it)"),
            SocketError.ConnectionRefused when PathFile.TypeOf(socketPath, out _) is PathFile.Kind.Socket => (IpcConnectFailure.NotListening,
                "nobody is listening on it: the socket file is there but no process accepts connections " +
                "(a stale socket, left by a host that did not stop cleanly)"),
            SocketError.ConnectionRefused => (IpcConnectFailure.NotASocket, $"it is {PathFile.Describe(socketPath)}, not a socket"),
            SocketError.WouldBlock or SocketError.TryAgain => (IpcConnectFailure.Busy,
                "the host's queue of connections waiting to be accepted is full; try again"),
            _ => (IpcConnectFailure.Other, error.Message),
        };
    }

    /// <summary>What the path names, following symlinks as connect does (statx: its layout is the same on every Linux architecture).</summary>
    private static class PathFile
    {
        public const int EACCES = 13;
        public const int ENOTDIR = 20;
        private const int ENOENT = 2;
        private const int AtFdCwd = -100;
        private const uint StatxType = 0x1;
        private const int StatxBufferSize = 256;
        private const int ModeOffset = 28;
        private const int FileTypeMask = 0xF000;

        public enum Kind
        {
            Missing,
            Unreadable,
            Socket,
            RegularFile,
            Directory,
            Fifo,
            Other,
        }

        public static Kind TypeOf(string path, out int errno)
        {
            var buffer = new byte[StatxBufferSize];
            if (statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return errno is ENOENT or ENOTDIR ? Kind.Missing : Kind.Unreadable;
            }

            errno = 0;
            return (BitConverter.ToUInt16(buffer, ModeOffset) & FileTypeMask) switch
            {
                0xC000 => Kind.Socket,
                0x8000 => Kind.RegularFile,
                0x4000 => Kind.Directory,
                0x1000 => Kind.Fifo,
                _ => Kind.Other,
            };
        }

        public static string Describe(string path) => TypeOf(path, out _) switch
        {
            Kind.RegularFile => "a regular file",
            Kind.Directory => "a directory",
            Kind.Fifo => "a FIFO",
            _ => "a special file",
        };

        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
    }
}
