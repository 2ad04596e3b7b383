using System.Net.Sockets;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Sends the one error line a refused client gets (forbidden, overloaded) and closes. The write side
/// is shut first and the client's own bytes are read off before closing: closing a socket with
/// unread input makes the kernel send a reset, which could destroy the error line before the
/// client reads it.
/// </summary>
internal static class ConnectionRejector
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    public static void Reject(Socket client, IpcResponse error) => _ = RejectAsync(client, IpcCodec.EncodeResponse(error));

    private static async Task RejectAsync(Socket client, byte[] line)
    {
        using (client)
        using (var linger = new CancellationTokenSource(Linger))
        {
            try
            {
                await client.SendAsync(line, SocketFlags.None, linger.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
                var sink = new byte[1024];
                for (var reads = 0; reads < 64; reads++)
                {
                    if (await client.ReceiveAsync(sink, SocketFlags.None, linger.Token).ConfigureAwait(false) == 0)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client left or lingered too long; either way it has been told.
            }
        }
    }
}
