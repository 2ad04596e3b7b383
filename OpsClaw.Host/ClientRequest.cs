using System.Diagnostics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>One request on a connection of its own: what <c>send</c> and the shortcut commands do.</summary>
internal static class ClientRequest
{
    /// <summary>
    /// Connects to <paramref name="target"/>, sends <paramref name="request"/> and returns the reply
    /// (error replies included) with its round trip; null after saying on stderr why there is none
    /// (no connection, no reply in time, the connection closed): the command exits 2.
    /// </summary>
    public static async Task<Reply?> SendAsync(SocketTarget target, IpcRequest request, TimeSpan timeout, CancellationToken cancel)
    {
        if (await HostConnection.ConnectAsync(target, cancel).ConfigureAwait(false) is not { } client)
        {
            return null;
        }

        await using (client.ConfigureAwait(false))
        {
            try
            {
                var clock = Stopwatch.StartNew();
                var response = await client.SendAsync(request.MessageType, request.PayloadJson, request.RunId, timeout, cancel).ConfigureAwait(false);
                return new Reply(response, clock.Elapsed);
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                ExitCodes.Fail(ExitCodes.Usage, ex.Message);
                return null;
            }
        }
    }
}

/// <summary>A reply and how long it took from the request's write.</summary>
internal sealed record Reply(IpcResponse Response, TimeSpan RoundTrip);
