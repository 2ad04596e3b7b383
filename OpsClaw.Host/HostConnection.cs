using System.Net.Sockets;
using OpsClaw.Actors.Client;

namespace OpsClaw.Host;

/// <summary>How the client commands reach a running host, and what they say when they cannot.</summary>
internal static class HostConnection
{
    /// <summary>The client, or null after printing why it could not connect (exit 2).</summary>
    public static async Task<IpcClient?> ConnectAsync(string socketPath, CancellationToken cancel)
    {
        try
        {
            return await IpcClient.ConnectAsync(socketPath, cancel).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            // Only a missing or dead socket suggests the host is down; "permission denied" means something else.
            var hint = ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable
                ? " (is 'opsclaw ipc serve-sockets' running?)"
                : "";
            ExitCodes.Fail(ExitCodes.Usage, $"cannot connect to {socketPath}: {ex.Message}{hint}");
            return null;
        }
    }
}
