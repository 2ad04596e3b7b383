using System.Net.Sockets;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Sends the one error line a refused client gets (forbidden, overloaded) and closes with a
/// lingering close, so a reset cannot destroy the error line before the client reads it.
/// </summary>
internal static class ConnectionRejector
{
    public static void Reject(Socket client, IpcResponse error) =>
        _ = LingeringClose.Refuse(client, IpcCodec.EncodeResponse(error));
}
