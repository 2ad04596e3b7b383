using OpsClaw.Actors.Client;

namespace OpsClaw.Host;

/// <summary>How the client commands reach a running host, and what they say when they cannot.</summary>
internal static class HostConnection
{
    /// <summary>The client, or null after printing why it could not connect (exit 2).</summary>
    public static async Task<IpcClient?> ConnectAsync(SocketTarget target, CancellationToken cancel)
    {
        try
        {
            return await IpcClient.ConnectAsync(target.SocketPath, cancel).ConfigureAwait(false);
        }
        catch (IpcConnectException ex)
        {
            ExitCodes.Fail(ExitCodes.Usage, ex.Message + Hint(ex.Failure, target));
            return null;
        }
    }

    /// <summary>What to try next; only a missing or dead socket suggests the host is down or elsewhere.</summary>
    private static string Hint(IpcConnectFailure failure, SocketTarget target) => failure switch
    {
        IpcConnectFailure.NotFound or IpcConnectFailure.NotListening when target.Origin == SocketTarget.FromSocketOption =>
            ". Is the host running?",
        IpcConnectFailure.NotFound or IpcConnectFailure.NotListening =>
            $". Is the host running, and serving {target.Directory} ({target.Origin})? " +
            $"--dir, --socket or ${HostLocation.EnvironmentVariable} choose another.",
        IpcConnectFailure.PermissionDenied =>
            ". Run as a user the socket admits (its owner or, for a group-writable socket, a member of its group).",
        _ => "",
    };
}
