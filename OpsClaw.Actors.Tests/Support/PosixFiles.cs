using System.Runtime.InteropServices;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>File operations .NET has no API for, to set up the hostile directories the specs need.</summary>
public static class PosixFiles
{
    /// <summary>The uid the specs hand files to as "another user" (nobody).</summary>
    public const uint OtherUid = 65534;

    public static bool IsRoot => geteuid() == 0;

    /// <summary>Changes the owner of a path itself (not a symlink's target). Needs root for another uid.</summary>
    public static void SetOwner(string path, uint uid, uint gid)
    {
        if (lchown(path, uid, gid) != 0)
        {
            throw new IOException($"lchown {path} to {uid}:{gid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())} (the spec needs root; CI runs as root)");
        }
    }

    public static void MakeFifo(string path)
    {
        if (mkfifo(path, 0x1B6 /* 0666 */) != 0)
        {
            throw new IOException($"mkfifo {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    public static void HardLink(string existing, string newPath)
    {
        if (link(existing, newPath) != 0)
        {
            throw new IOException($"link {existing} {newPath}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>
    /// A socket file with nothing behind it, as a host killed with -9 leaves one. A second name is
    /// linked to a bound socket first, since .NET removes the bound name when the socket is disposed.
    /// </summary>
    public static void LeaveStaleSocket(string path)
    {
        var bound = path + ".bound";
        using (var socket = new System.Net.Sockets.Socket(
            System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(bound));
            HardLink(bound, path);
        }

        File.Delete(bound);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    [DllImport("libc")]
    private static extern uint geteuid();
}
