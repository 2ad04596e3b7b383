using System.Net.Sockets;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>
/// A persistent client connection to one OpsClaw socket. Requests may be pipelined: each is written
/// at once and its reply is matched by position, since the host answers in request order. A
/// request that times out fails on its own; the reply that may still come for it is skipped.
/// </summary>
public sealed class IpcClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<PendingReply> _pending = new();
    private readonly object _pendingLock = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private Exception? _closedBecause;

    /// <summary>An error the host sent before any request: the refusal of this connection.</summary>
    private IpcResponse? _refusal;

    /// <summary>Set before the first write, under the pending lock: an error line after it is a reply, not a refusal.</summary>
    private bool _wroteAnything;

    private IpcClient(Socket socket, string socketPath, int maxLineBytes)
    {
        _socket = socket;
        SocketPath = socketPath;
        _readLoop = ReadLoopAsync(maxLineBytes);
    }

    public string SocketPath { get; }

    /// <summary>False once the host has closed the connection (or it failed).</summary>
    public bool IsConnected
    {
        get
        {
            lock (_pendingLock)
            {
                return _closedBecause is null;
            }
        }
    }

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <exception cref="SocketException">nothing listens at <paramref name="socketPath"/>.</exception>
    public static async Task<IpcClient> ConnectAsync(
        string socketPath,
        CancellationToken cancellationToken = default,
        int maxLineBytes = 16 * 1024 * 1024)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return new IpcClient(socket, socketPath, maxLineBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request and waits for its reply (error envelopes included).</summary>
    /// <exception cref="TimeoutException">no reply within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">the connection closed before the reply came.</exception>
    public Task<IpcResponse> SendAsync(
        string messageType,
        string payloadJson = IpcResponse.EmptyPayload,
        string? runId = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        SendLineAsync(IpcCodec.EncodeRequest(new IpcRequest(messageType, runId, payloadJson)), timeout, cancellationToken);

    /// <summary>Sends raw bytes that make exactly one request line (for tests and tools that need to send what the encoder would not).</summary>
    internal async Task<IpcResponse> SendLineAsync(
        ReadOnlyMemory<byte> line,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var reply = new PendingReply();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Exception? closedBecause;
            lock (_pendingLock)
            {
                // A refused connection (forbidden, overloaded) is answered before any request is sent:
                // that refusal is the answer to every request on it.
                if (_refusal is { } refusal)
                {
                    return refusal;
                }

                closedBecause = _closedBecause;
                if (closedBecause is null)
                {
                    _pending.Enqueue(reply);
                    _wroteAnything = true;
                }
            }

            // Thrown outside the lock, never inside: in Release builds the compiler gives the temporary of
            // the `or` pattern in the filter below the same IL slot as the lock's lockTaken flag, and a
            // filter runs before the lock's finally, so an exception thrown inside the lock left it held
            // for good (the next thread to lock, such as the read loop, hung).
            if (closedBecause is not null)
            {
                throw new IOException($"connection to {SocketPath} is closed", closedBecause);
            }

            await _socket.SendAsync(line, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Fail(new IOException($"could not write to {SocketPath}: {ex.Message}", ex));
        }
        catch (OperationCanceledException ex)
        {
            // Part of the line may be out, and its reply slot is queued: replies could no longer be matched.
            Fail(new IOException($"a write to {SocketPath} was cancelled; the connection is no longer usable", ex));
            throw;
        }
        finally
        {
            _writeLock.Release();
        }

        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await reply.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            reply.Abandon();
            throw new TimeoutException($"no reply from {SocketPath} within {(long)limit.TotalMilliseconds} ms");
        }
    }

    /// <summary>Half-closes the connection: the host answers what it has and then closes.</summary>
    public void CompleteWrites() => _socket.Shutdown(SocketShutdown.Send);

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        _socket.Dispose();
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _writeLock.Dispose();
        _closing.Dispose();
    }

    private async Task ReadLoopAsync(int maxLineBytes)
    {
        using var framer = new LineFramer(maxLineBytes);
        var sink = new ReplySink(this);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    framer.Complete(sink);
                    Fail(new IOException($"{SocketPath} closed the connection"));
                    return;
                }

                framer.Push(buffer.AsSpan(0, read), sink);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail(new IOException($"connection to {SocketPath} failed: {ex.Message}", ex));
        }
    }

    private void Deliver(IpcResponse response)
    {
        lock (_pendingLock)
        {
            if (_pending.TryDequeue(out var reply))
            {
                reply.Complete(response);
            }
            else if (!response.Ok && !_wroteAnything)
            {
                _refusal ??= response;
            }
            else
            {
                _closedBecause ??= new IOException($"{SocketPath} sent a reply nobody asked for; replies can no longer be matched");
            }
        }
    }

    private void Fail(Exception cause)
    {
        lock (_pendingLock)
        {
            _closedBecause ??= cause;
            while (_pending.TryDequeue(out var reply))
            {
                reply.Fail(cause);
            }
        }
    }

    private sealed class ReplySink(IpcClient client) : ILineSink
    {
        public void OnLine(ReadOnlySpan<byte> line)
        {
            IpcResponse response;
            try
            {
                response = IpcCodec.DecodeResponse(line);
            }
            catch (FormatException ex)
            {
                client.Fail(new IOException($"{client.SocketPath} sent a line that is not a response: {ex.Message}", ex));
                return;
            }

            client.Deliver(response);
        }

        public void OnFrameTooLarge() =>
            client.Fail(new IOException($"{client.SocketPath} sent a reply line larger than this client accepts"));
    }

    private sealed class PendingReply
    {
        private readonly TaskCompletionSource<IpcResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<IpcResponse> Task => _completion.Task;

        public void Complete(IpcResponse response) => _completion.TrySetResult(response);

        public void Fail(Exception cause) => _completion.TrySetException(cause);

        /// <summary>The caller gave up; its slot stays in the queue so later replies still line up.</summary>
        public void Abandon() => _completion.TrySetCanceled();
    }
}
