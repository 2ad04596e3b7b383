using System.Net.Sockets;
using System.Text;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>A bare client socket for specs that need to send exactly the bytes they choose.</summary>
public sealed class RawConnection : IDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawConnection(Socket socket)
    {
        Socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
    }

    public Socket Socket { get; }

    public static async Task<RawConnection> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new RawConnection(socket);
    }

    /// <summary>The server's end of an accepted connection, for specs that play the host.</summary>
    public static RawConnection Over(Socket accepted) => new(accepted);

    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteAsync(byte[] bytes) => await Socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>The next line, or null at end of stream; fails when nothing arrives in time.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        return await _reader.ReadLineAsync(timeout.Token);
    }

    public void HalfClose() => Socket.Shutdown(SocketShutdown.Send);

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    public static string Request(string messageType, string? runId = null, string payloadJson = "{}")
    {
        var runIdJson = runId is null ? "null" : Newtonsoft.Json.JsonConvert.ToString(runId);
        return $"{{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"{messageType}\",\"run_id\":{runIdJson},\"payload_json\":{Newtonsoft.Json.JsonConvert.ToString(payloadJson)}}}\n";
    }
}
