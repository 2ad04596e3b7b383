using System.Net.Sockets;
using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A client that pipelines pings as fast as the host takes them (<c>&lt;name&gt;-&lt;n&gt;</c> run ids)
/// and checks every reply as it arrives: the n-th reply answers request n, and once one is
/// <c>shutting_down</c> no pong may follow. It stops when the host closes the connection.
/// </summary>
public sealed class LoadClient
{
    /// <summary>Requests per write; the last batch may be cut by the host's close, so counts are known to this precision.</summary>
    public const int Batch = 50;

    private readonly Socket _socket;
    private readonly string _name;
    private readonly CancellationToken _stop;
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private Task<Outcome>? _reading;
    private Task? _writing;
    private volatile int _sent;
    private int _pongs;

    private LoadClient(Socket socket, string name, CancellationToken stop)
    {
        _socket = socket;
        _name = name;
        _stop = stop;
    }

    public static async Task<LoadClient> StartAsync(string socketPath, string name, CancellationToken stop)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), stop);
        var client = new LoadClient(socket, name, stop);
        client._writing = client.WriteAsync();
        client._reading = client.ReadAsync();
        return client;
    }

    /// <summary>Completes once <paramref name="count"/> pongs have arrived.</summary>
    public Task WaitForRepliesAsync(int count)
    {
        lock (_gate)
        {
            if (_pongs >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(TimeSpan.FromSeconds(30), _stop);
        }
    }

    /// <summary>Waits for the host to close the connection, then reports what this client saw.</summary>
    public async Task<Outcome> FinishAsync()
    {
        var outcome = await _reading!;
        try
        {
            await _writing!;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The host closed while this client was still writing; expected.
        }

        _socket.Dispose();
        return outcome with { Sent = _sent };
    }

    private async Task WriteAsync()
    {
        var next = 0;
        while (!_stop.IsCancellationRequested)
        {
            var batch = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(next, Batch).Select(i => RawConnection.Request("runtime.ping", $"{_name}-{i}"))));
            await _socket.SendAsync(batch, SocketFlags.None, _stop);
            next += Batch;
            _sent = next;
        }
    }

    private async Task<Outcome> ReadAsync()
    {
        var reader = new ByteLineReader(_socket);
        var refused = 0;
        string? violation = null;
        for (var index = 0; ; index++)
        {
            byte[]? line;
            bool partial;
            try
            {
                (line, partial) = await reader.ReadLineAsync(_stop);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Linux reports a close with this client's requests still unread by the host as a reset, after every byte sent.
                return new Outcome(_name, 0, _pongs, refused, violation, PartialLine: false, "reset");
            }

            if (line is null || partial)
            {
                return new Outcome(_name, 0, _pongs, refused, violation, partial, "eof");
            }

            var reply = IpcCodec.DecodeResponse(line);
            if (violation is null && reply.RunId != $"{_name}-{index}")
            {
                violation = $"reply {index} carries run_id {reply.RunId}";
            }
            else if (reply.Ok && refused == 0)
            {
                Interlocked.Increment(ref _pongs);
                Release();
            }
            else if (reply.ErrorCode == IpcErrors.ShuttingDownCode)
            {
                refused++;
            }
            else
            {
                violation ??= $"reply {index}: {Encoding.UTF8.GetString(line)} (after {refused} shutting_down)";
            }
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => _pongs >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public sealed record Outcome(string Name, int Sent, int Pongs, int ShuttingDown, string? Violation, bool PartialLine, string End);
}
