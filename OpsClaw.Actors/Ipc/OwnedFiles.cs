using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// The lock file and sockets this host created, by path and by device+inode. Looked up by path, as
/// clients find them: a path that now names another file (or nothing) means this host is no longer
/// the one clients reach there.
/// </summary>
internal sealed record OwnedFiles(string LockPath, FileIdentity LockIdentity, IReadOnlyDictionary<string, FileIdentity> Sockets)
{
    public OwnedFiles WithSocket(string path, FileIdentity identity) =>
        this with { Sockets = new Dictionary<string, FileIdentity>(Sockets) { [path] = identity } };

    /// <summary>A sentence naming the first file that is no longer ours, or null when all are.</summary>
    public string? FirstLost()
    {
        if (Problem(LockPath, LockIdentity, "lock file") is { } lockLost)
        {
            return lockLost;
        }

        foreach (var (path, identity) in Sockets)
        {
            if (Problem(path, identity, "socket") is { } socketLost)
            {
                return socketLost;
            }
        }

        return null;
    }

    private static string? Problem(string path, FileIdentity identity, string what)
    {
        if (Native.TryStat(Native.AtFdCwd, path, out var status) is { } errno)
        {
            return errno == Native.ENOENT
                ? $"its {what} {path} was removed (or its directory was) while it ran"
                : $"its {what} {path} can no longer be inspected: {Native.Describe(errno)}";
        }

        return status.Identity == identity
            ? null
            : $"its {what} {path} was replaced by another file ({status.TypeName} of uid {status.Uid}) while it ran";
    }
}

/// <summary>The CoordinatedShutdown reason when the host's files stopped being its own; the host exits 1.</summary>
public sealed class IpcFilesLostReason : Akka.Actor.CoordinatedShutdown.Reason
{
    internal IpcFilesLostReason(string message) => Message = message;

    /// <summary>Which file was lost and how, e.g. that the socket directory was removed while the host ran.</summary>
    public string Message { get; }

    /// <summary>1: the host stopped because it could no longer serve, not because it was asked to.</summary>
    public override int ExitCode => 1;

    /// <summary>Returns <see cref="Message"/>.</summary>
    /// <returns><see cref="Message"/>.</returns>
    public override string ToString() => Message;
}

/// <summary>Messages of <c>/user/ipc</c> to itself.</summary>
internal static class IpcRoot
{
    /// <summary>Time to check that the lock file and sockets are still this host's.</summary>
    public sealed class CheckFiles
    {
        public static readonly CheckFiles Instance = new();

        private CheckFiles()
        {
        }
    }
}
