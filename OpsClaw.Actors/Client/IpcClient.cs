using System.Net.Sockets;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>
/// A persistent client connection to one OpsClaw socket. Requests may be pipelined: each is written
/// at once and its reply is matched by position, since the host answers in request order. A
/// request that times out fails on its own; the reply that may still come for it is skipped. When
/// the host ends the connection, the client ends its own side at once. Deliveries the host pushes to
/// the connection's subscriptions (<c>runtime.message</c> lines, which may come between any two
/// replies) are told apart by their type and handed to their subscription, never taken as replies.
/// </summary>
public sealed partial class IpcClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<PendingReply> _pending = new();
    private readonly object _pendingLock = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private Exception? _closedBecause;

    /// <summary>Live subscriptions by id, under the pending lock: the read loop routes deliveries through it.</summary>
    private readonly Dictionary<string, IpcSubscription> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>Set by <see cref="DisposeAsync"/>: the connection's end is then the owner's doing, and subscriptions end without a fault.</summary>
    private volatile bool _disposing;

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

    /// <summary>The socket this client connected to.</summary>
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

    /// <summary>How long <see cref="SendAsync"/> waits for a reply when no timeout is given: 30 seconds.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Connects to an OpsClaw socket such as <c>runtime.sock</c>.</summary>
    /// <param name="socketPath">The socket's path, e.g. from <c>IpcBinding.PathOf</c> or the host's ready line.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <param name="maxLineBytes">Longest reply line accepted; a longer one fails the connection.</param>
    /// <returns>The connected client; dispose it to close the connection.</returns>
    /// <exception cref="IpcConnectException">
    /// no connection: the message says why in words, <see cref="IpcConnectException.Failure"/> says it
    /// for code (the file does not exist, nobody is listening on it, permission denied, …).
    /// </exception>
    public static async Task<IpcClient> ConnectAsync(
        string socketPath,
        CancellationToken cancellationToken = default,
        int maxLineBytes = 16 * 1024 * 1024)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        UnixDomainSocketEndPoint endPoint;
        try
        {
            endPoint = new UnixDomainSocketEndPoint(socketPath);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw ConnectFailures.PathTooLong(socketPath, ex);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new IpcClient(socket, socketPath, maxLineBytes);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ConnectFailures.Explain(socketPath, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request and waits for its reply (error envelopes included).</summary>
    /// <param name="messageType">The request's <c>message_type</c>, e.g. <c>runtime.ping</c>.</param>
    /// <param name="payloadJson">The request's <c>payload_json</c>: JSON text, <c>{}</c> by default.</param>
    /// <param name="runId">The request's <c>run_id</c>, echoed on the reply; null sends none.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>The reply; an error reply has <see cref="IpcResponse.Ok"/> false and an <see cref="IpcResponse.ErrorCode"/>.</returns>
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
    /// <param name="line">The request line, <c>\n</c> included.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="onReply">
    /// Runs on the read loop when the reply arrives, before the caller sees it and before the next line is
    /// read: a subscribe ack registers its subscription there, so a delivery right behind it finds it.
    /// </param>
    internal async Task<IpcResponse> SendLineAsync(
        ReadOnlyMemory<byte> line,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default,
        Action<IpcResponse>? onReply = null)
    {
        var reply = new PendingReply(onReply);
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

    /// <summary>Completes once the connection has ended: the host closed it, it failed, or it was disposed.</summary>
    internal Task Closed => _readLoop;

    /// <summary>
    /// Closes the connection at once; requests still waiting fail with <see cref="IOException"/>, and
    /// the enumerations of its subscriptions end (after what they had already received).
    /// </summary>
    /// <returns>A task that completes once the read loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
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
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    if (framer.TryReadFinalLine(out var last))
                    {
                        OnLine(last);
                    }

                    Fail(new IOException($"{SocketPath} closed the connection"));

                    // The host sends nothing more, so nothing more is worth sending: end our side now.
                    // A stopping host lingers until the client's end of stream (docs/protocol.md §7),
                    // and a client kept open, idle, would hold its exit back by up to 2 s.
                    EndWrites();
                    return;
                }

                TakeLines(framer, buffer.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail(new IOException($"connection to {SocketPath} failed: {ex.Message}", ex));
        }
    }

    private void EndWrites()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already shut, or disposed: either way the host sees our end of stream.
        }
    }

    private void Deliver(IpcResponse response)
    {
        PendingReply? reply;
        lock (_pendingLock)
        {
            if (!_pending.TryDequeue(out reply) && !response.Ok && !_wroteAnything)
            {
                _refusal ??= response;
                return;
            }
        }

        if (reply is null)
        {
            Fail(new IOException($"{SocketPath} sent a reply nobody asked for; replies can no longer be matched"));
            return;
        }

        // Outside the lock: the reply's hook takes it to register a subscription. Still on the read
        // loop, so the hook has run before the next line is looked at.
        reply.Complete(response);
    }

    private void Fail(Exception cause)
    {
        List<IpcSubscription> ended;
        lock (_pendingLock)
        {
            _closedBecause ??= cause;
            while (_pending.TryDequeue(out var reply))
            {
                reply.Fail(cause);
            }

            ended = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }

        foreach (var subscription in ended)
        {
            subscription.End(_disposing ? null : cause);
        }
    }

    private void TakeLines(LineFramer framer, ReadOnlySpan<byte> chunk)
    {
        while (framer.TryReadLine(ref chunk, out var line) is var read && read != LineRead.NeedMore)
        {
            if (read == LineRead.Line)
            {
                OnLine(line);
            }
            else
            {
                Fail(new IOException($"{SocketPath} sent a reply line larger than this client accepts"));
            }
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        IpcResponse response;
        try
        {
            response = IpcCodec.DecodeResponse(line);
        }
        catch (FormatException ex)
        {
            Fail(new IOException($"{SocketPath} sent a line that is not a response: {ex.Message}", ex));
            return;
        }

        // Never a reply type (docs/protocol.md §9.3): a delivery, whatever replies are awaited.
        if (response is { Ok: true, MessageType: MessageTypes.RuntimeMessage })
        {
            Route(response);
            return;
        }

        Deliver(response);
    }

    private sealed class PendingReply(Action<IpcResponse>? onReply)
    {
        private readonly TaskCompletionSource<IpcResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<IpcResponse> Task => _completion.Task;

        public void Complete(IpcResponse response)
        {
            onReply?.Invoke(response);
            _completion.TrySetResult(response);
        }

        public void Fail(Exception cause) => _completion.TrySetException(cause);

        /// <summary>The caller gave up; its slot stays in the queue so later replies still line up.</summary>
        public void Abandon() => _completion.TrySetCanceled();
    }
}
