using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// The one request every scenario sends and the reply it must get back. The run_id is constant so
/// the raw-fixed baseline, which never reads requests, still answers byte for byte correctly.
/// </summary>
internal static class Wire
{
    public const int MaxJsonDepth = 64;

    public static ReadOnlySpan<byte> PingLine =>
        "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.ping\",\"run_id\":\"bench\",\"payload_json\":\"{}\"}\n"u8;

    /// <summary>Exactly what docs/protocol.md §3 says a ping with run_id "bench" is answered with.</summary>
    public static ReadOnlySpan<byte> PongLine =>
        "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.pong\",\"run_id\":\"bench\",\"payload_json\":\"{\\\"status\\\":\\\"ok\\\"}\",\"ok\":true,\"error\":null,\"error_code\":null}\n"u8;

    /// <summary><paramref name="count"/> ping lines back to back, to keep that many requests in flight with one write.</summary>
    public static byte[] Pings(int count)
    {
        var ping = PingLine;
        var bytes = new byte[ping.Length * count];
        for (var i = 0; i < count; i++)
        {
            ping.CopyTo(bytes.AsSpan(i * ping.Length));
        }

        return bytes;
    }

    public static async Task<Socket> ConnectAsync(string socketPath, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A stream socket may take part of a buffer; keep sending until all of it is gone.</summary>
    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, cancel).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }
}
