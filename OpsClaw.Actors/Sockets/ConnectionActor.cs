using System.Diagnostics;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// One client connection. Reads lines, answers codec errors itself, forwards valid requests to its
/// channel, and writes every reply in request order. Before every read it checks what it holds: it
/// reads only while fewer than max-in-flight replies are owed, its unanswered requests and unwritten
/// replies stay under max-connection-buffered-bytes, and the host as a whole is within
/// max-buffered-bytes (or this connection holds nothing). A reply is encoded only when
/// the output has room for it. So its memory stays bounded whatever the client does. Any I/O error
/// ends this connection and nothing else.
/// </summary>
internal sealed class ConnectionActor : ReceiveActor, ILineSink, IWithTimers
{
    private const string TimeoutTimerKey = "request-timeout";
    private const string BudgetTimerKey = "budget-recheck";

    /// <summary>
    /// While the host budget keeps this connection waiting, it looks this often whether its client has
    /// left, which no read is outstanding to notice.
    /// </summary>
    private static readonly TimeSpan BudgetRecheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly Socket _socket;
    private readonly IActorRef _channel;
    private readonly IpcSettings _settings;
    private readonly IpcCodec _codec;
    private readonly ChannelMetrics _metrics;
    private readonly BufferBudget _budget;
    private readonly LineFramer _framer;
    private readonly ReplySlots _slots = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<string?, IpcResponse> _timeoutReply;

    private OutputBuffer _pending = new();
    private OutputBuffer _sending = new();

    /// <summary>How far into the send buffer the socket has taken bytes.</summary>
    private int _sentOffset;

    /// <summary>The holdings last reported to the host budget.</summary>
    private long _accounted;
    private bool _awaitingBudget;
    private bool _budgetTimerOn;
    private bool _reading;
    private bool _writing;
    private bool _endOfInput;
    private bool _draining;
    private int _drainReadBudget;
    private bool _timeoutTimerSet;
    private bool _flushScheduled;
    private bool _closed;
    private bool _released;
    private bool _socketHandedOff;

    public ConnectionActor(Socket socket, IActorRef channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget)
    {
        _socket = socket;
        _channel = channel;
        _settings = settings;
        _codec = codec;
        _metrics = metrics;
        _budget = budget;
        _framer = new LineFramer(settings.MaxLineBytes);
        _timeoutReply = runId => Answer(IpcErrors.Timeout(_settings.RequestTimeout, runId));

        Receive<Connection.ReadCompleted>(OnReadCompleted);
        Receive<Connection.WriteCompleted>(OnWriteCompleted);
        Receive<Connection.IoFailed>(OnIoFailed);
        Receive<ChannelProtocol.Reply>(OnReply);
        Receive<Connection.FlushReplies>(_ => OnFlushReplies());
        Receive<Connection.CheckTimeouts>(_ => OnCheckTimeouts());
        Receive<Connection.Drain>(OnDrain);
        Receive<Connection.BudgetFreed>(_ => OnBudgetFreed());
        Receive<Connection.RecheckBudget>(_ => OnRecheckBudget());
        Receive<ReceiveTimeout>(_ => OnIdle());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Socket socket, IActorRef channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget) =>
        Akka.Actor.Props.CreateBy(new ConnectionActorProducer(socket, channel, settings, codec, metrics, budget));

    void ILineSink.OnLine(ReadOnlySpan<byte> line)
    {
        var decoded = _codec.DecodeRequest(line);
        if (decoded.Request is not { } request)
        {
            _slots.AddReady(Answer(decoded.Error!), line.Length);
            return;
        }

        if (Refusing)
        {
            _slots.AddReady(Answer(IpcErrors.ShuttingDown(request.RunId)), line.Length);
            return;
        }

        var deadline = Environment.TickCount64 + (long)_settings.RequestTimeout.TotalMilliseconds;
        var sequence = _slots.Open(request.RunId, deadline, Stopwatch.GetTimestamp(), line.Length);
        _channel.Tell(new ChannelProtocol.Request(sequence, request), Self);
        EnsureTimeoutTimer(deadline);
    }

    void ILineSink.OnFrameTooLarge() =>
        _slots.AddReady(Answer(IpcErrors.FrameTooLarge(_settings.MaxLineBytes)), 0);

    protected override void PreStart()
    {
        _metrics.ConnectionOpened();
        if (_settings.IdleTimeout is { } idle)
        {
            Context.SetReceiveTimeout(idle);
        }

        ReadMore();
    }

    protected override void PostStop()
    {
        ReleaseSlot();
        _metrics.ConnectionClosed();
        _closed = true;
        if (!_socketHandedOff)
        {
            _socket.Dispose();
        }

        _framer.Dispose();
        _pending.Dispose();
        if (!_writing)
        {
            // A send still in flight may be reading this array; leave it to the GC rather than the pool.
            _sending.Dispose();
        }

        _budget.Update(_accounted, 0);
        _accounted = 0;
    }

    private void OnReadCompleted(Connection.ReadCompleted read)
    {
        _reading = false;
        try
        {
            if (read.Bytes == 0)
            {
                // The client shut down its write side (or closed): answer what it sent, then close.
                _endOfInput = true;
                _framer.Complete(this);
            }
            else
            {
                _metrics.Received(read.Bytes);
                Push(read.Buffer.AsSpan(0, read.Bytes));
            }
        }
        finally
        {
            // The framer has copied any unfinished line, so the buffer can go back at once.
            ByteBuffers.Return(read.Buffer);
        }

        Progress();
    }

    private void Push(ReadOnlySpan<byte> bytes)
    {
        if (_draining && !Refusing)
        {
            // Bytes the kernel already held when the drain began were received before shutdown: their
            // requests are answered as usual. Anything after them arrived later and is refused.
            var received = Math.Min(bytes.Length, Math.Max(_drainReadBudget, 0));
            _framer.Push(bytes[..received], this);
            _drainReadBudget -= received;
            bytes = bytes[received..];
        }

        _framer.Push(bytes, this);
    }

    private void OnReply(ChannelProtocol.Reply reply)
    {
        // A reply to a request that already timed out is dropped here: its slot is filled or gone.
        // It is encoded only when the output has room for it (in Flush), so an unread client's replies are never held twice.
        if (_slots.TryFill(reply.Id, reply.Response, out var started))
        {
            _metrics.Handled(started);
            _metrics.Answered(reply.Response.ErrorCode);
            if (!_flushScheduled)
            {
                // Replies to pipelined requests arrive as a run of messages; write them after the run,
                // with one send, rather than one send per reply.
                _flushScheduled = true;
                Self.Tell(Connection.FlushReplies.Instance);
            }
        }
    }

    private void OnFlushReplies()
    {
        _flushScheduled = false;
        Progress();
    }

    private void OnWriteCompleted(Connection.WriteCompleted written)
    {
        // Even a part taken by the socket frees output room: replies waiting for it may be encoded, reading may resume.
        Sent(written.Offset);
        Progress();
    }

    /// <summary>The socket has taken the send buffer up to <paramref name="offset"/>.</summary>
    private void Sent(int offset)
    {
        if (offset < _sending.Length)
        {
            // A stream socket may take only part of a buffer; send the rest before anything newer.
            _sentOffset = offset;
            StartSend(offset);
            return;
        }

        _writing = false;
        _sentOffset = 0;
        _metrics.Sent(_sending.Length);
        _sending.Clear();
    }

    private void OnIoFailed(Connection.IoFailed failed)
    {
        // The client vanished or the socket broke: this connection ends quietly, the listener and other clients go on.
        _log.Debug("Connection closed after I/O error: {0}", failed.Cause.Message);
        Context.Stop(Self);
    }

    private void OnCheckTimeouts()
    {
        _timeoutTimerSet = false;
        var next = _slots.Expire(Environment.TickCount64, _timeoutReply);
        if (next is { } deadline)
        {
            EnsureTimeoutTimer(deadline);
        }

        Progress();
    }

    private void OnDrain(Connection.Drain drain)
    {
        _draining = true;

        // What the client had sent before the drain began (the listener counted what the kernel held) is
        // still read and answered; what it sent later is refused with shutting_down if a read brings it.
        _drainReadBudget = drain.ReceivedBytes;
        Progress();
    }

    private void OnRecheckBudget()
    {
        // Waiting for the budget, this connection has no read outstanding, so it would not learn that its
        // client left; its line and replies would stay held, keeping the host over budget for good.
        if (!_closed && Native.HungUp(_socket))
        {
            _log.Debug("Connection closed: the client left while the host budget held its reads");
            Context.Stop(Self);
            return;
        }

        Progress();
    }

    private void OnBudgetFreed()
    {
        // The budget's queue no longer holds this connection; it joins again if it must wait again.
        _awaitingBudget = false;
        Progress();
    }

    private void OnIdle()
    {
        if (OwesNothing)
        {
            _log.Debug("Closing idle connection");
            Close();
        }
    }

    /// <summary>A reply the connection produced itself, counted for its channel.</summary>
    private IpcResponse Answer(IpcResponse response)
    {
        _metrics.Answered(response.ErrorCode);
        return response;
    }

    private void EnsureTimeoutTimer(long deadline)
    {
        if (_timeoutTimerSet)
        {
            return;
        }

        _timeoutTimerSet = true;
        var delay = TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64));
        Timers.StartSingleTimer(TimeoutTimerKey, Connection.CheckTimeouts.Instance, delay);
    }

    /// <summary>Draining, and every byte received before the drain began has been read: what comes now arrived later.</summary>
    private bool Refusing => _draining && _drainReadBudget <= 0;

    /// <summary>Every replied-to, not yet written, or still unanswered request has been dealt with.</summary>
    private bool OwesNothing => _slots.Count == 0 && !_writing && _pending.Length == 0;

    /// <summary>Encoded reply bytes the kernel has not yet taken: the rest of the send buffer and all of the pending one.</summary>
    private long OutputBytes => _pending.Length + (_sending.Length - _sentOffset);

    /// <summary>Everything this connection holds for its client, as the host budget counts it.</summary>
    private long Holdings => _framer.BufferedBytes + _slots.RequestBytes + OutputBytes;

    /// <summary>After any change of state: write what is ready, report holdings, read more if allowed, close if finished.</summary>
    private void Progress()
    {
        Flush();
        Account();
        ReadMore();
        CloseWhenDone();
    }

    private void Flush()
    {
        while (true)
        {
            _slots.TakeReady(_pending, OutputBytes, _settings.MaxConnectionBufferedBytes);
            if (_writing || _pending.Length == 0 || _closed)
            {
                return;
            }

            (_sending, _pending) = (_pending, _sending);
            _writing = true;

            // A send the socket takes at once frees room that replies may be waiting for, and no completion
            // will come to prompt them: go round again. Each round writes at least one reply, so it ends.
            StartSend(0);
        }
    }

    private void Account()
    {
        var holdings = Holdings;
        if (holdings != _accounted)
        {
            _budget.Update(_accounted, holdings);
            _accounted = holdings;
        }
    }

    private void StartSend(int offset)
    {
        var send = _socket.SendAsync(_sending.Written[offset..], SocketFlags.None);
        if (send.IsCompletedSuccessfully)
        {
            // The socket buffer had room, as it usually has: no WriteCompleted message round trip.
            Sent(offset + send.Result);
            return;
        }

        var self = Self;
        send.AsTask().PipeTo(
            self,
            success: sent => new Connection.WriteCompleted(offset + sent),
            failure: ex => new Connection.IoFailed(ex));
    }

    private void ReadMore()
    {
        // Draining: only the bytes that were already waiting when the drain began are read, so a client
        // that keeps writing cannot hold the shutdown open until the drain deadline.
        if (_reading || _endOfInput || Refusing || _closed || ShouldPauseReading() || WaitingForBudget())
        {
            return;
        }

        _reading = true;
        ReceiveWhenReadable(_socket, _settings.ReceiveBufferBytes).PipeTo(
            Self,
            success: read => read,
            failure: ex => new Connection.IoFailed(ex));
    }

    /// <summary>
    /// Waits for data with an empty buffer and rents one only once bytes have arrived, so an idle
    /// connection holds no receive buffer: ten thousand idle clients would otherwise pin 80 MiB.
    /// </summary>
    private static async Task<Connection.ReadCompleted> ReceiveWhenReadable(Socket socket, int bufferBytes)
    {
        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
        var buffer = ByteBuffers.Rent(bufferBytes);
        try
        {
            var bytes = await socket.ReceiveAsync(buffer.AsMemory(0, bufferBytes), SocketFlags.None).ConfigureAwait(false);
            return new Connection.ReadCompleted(buffer, bytes);
        }
        catch
        {
            ByteBuffers.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Backpressure: too many replies owed, or too many bytes held for a client that is not reading its
    /// replies (or whose requests are slow). The unfinished line does not count here: it is bounded by
    /// max-line-bytes already, and only more reading can finish it.
    /// </summary>
    private bool ShouldPauseReading() =>
        _slots.Count >= _settings.MaxInFlight || _slots.RequestBytes + OutputBytes >= _settings.MaxConnectionBufferedBytes;

    /// <summary>
    /// The host is past max-buffered-bytes and this connection holds something: it waits to be woken by
    /// the budget, checking now and then that its client is still there.
    /// </summary>
    private bool WaitingForBudget()
    {
        if (!_budget.ShouldWait(_accounted))
        {
            if (_budgetTimerOn)
            {
                _budgetTimerOn = false;
                Timers.Cancel(BudgetTimerKey);
            }

            return false;
        }

        if (!_budgetTimerOn)
        {
            _budgetTimerOn = true;
            Timers.StartPeriodicTimer(BudgetTimerKey, Connection.RecheckBudget.Instance, BudgetRecheckInterval);
        }

        if (!_awaitingBudget)
        {
            _awaitingBudget = true;
            _budget.WakeWhenFreed(Self);
        }

        return true;
    }

    private void CloseWhenDone()
    {
        if ((_endOfInput || Refusing) && OwesNothing)
        {
            Close();
        }
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (_draining && !_endOfInput)
        {
            // The client may still be writing: a lingering close gives it every reply and then a clean end
            // of stream. The listener waits for it (told before Released, so it cannot report drained first).
            _socketHandedOff = true;
            Context.Parent.Tell(new Connection.Lingering(LingeringClose.Start(_socket, LingeringClose.DefaultLinger)));
        }

        ReleaseSlot();
        if (!_socketHandedOff)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already reset by the peer; disposing in PostStop is all that is left to do.
            }
        }

        Context.Stop(Self);
    }

    private void ReleaseSlot()
    {
        if (!_released)
        {
            _released = true;
            Context.Parent.Tell(new Connection.Released(Self));
        }
    }
}

/// <summary>
/// Builds a <see cref="ConnectionActor"/> with a plain constructor call. A connect storm creates
/// thousands of them, and Props.Create's expression tree and reflective constructor call are paid
/// on every one.
/// </summary>
internal sealed class ConnectionActorProducer(
    Socket socket, IActorRef channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget)
    : IIndirectActorProducer
{
    public Type ActorType => typeof(ConnectionActor);

    public ActorBase Produce() => new ConnectionActor(socket, channel, settings, codec, metrics, budget);

    public void Release(ActorBase actor)
    {
    }
}

/// <summary>Messages of <see cref="ConnectionActor"/>.</summary>
/// <remarks>
/// I/O completions may reach a connection that has just closed (its socket disposed under a
/// pending read); that is expected, so they stay out of the dead-letter log.
/// </remarks>
internal static class Connection
{
    /// <summary><paramref name="Buffer"/> comes from <see cref="ByteBuffers"/>; whoever handles this message returns it.</summary>
    public sealed record ReadCompleted(byte[] Buffer, int Bytes) : IDeadLetterSuppression;

    /// <summary><paramref name="Offset"/> is how far into the send buffer the socket has taken bytes.</summary>
    public sealed record WriteCompleted(int Offset) : IDeadLetterSuppression;

    public sealed record IoFailed(Exception Cause) : IDeadLetterSuppression;

    /// <summary>
    /// Told to the listener just before the socket is shut down, so the slot is free before the
    /// client can see the close and connect again (Terminated would come a little later).
    /// </summary>
    public sealed record Released(IActorRef Connection);

    /// <summary>
    /// Shutdown began: answer what was received before it (<paramref name="ReceivedBytes"/> still
    /// unread in the kernel when the listener began the drain), refuse the rest, then close.
    /// </summary>
    public sealed record Drain(int ReceivedBytes) : IDeadLetterSuppression;

    /// <summary>Told to the listener when the socket was handed to a <see cref="LingeringClose"/>; drain waits for it.</summary>
    public sealed record Lingering(Task Close);

    public sealed class CheckTimeouts
    {
        public static readonly CheckTimeouts Instance = new();

        private CheckTimeouts()
        {
        }
    }

    /// <summary>Told by the <see cref="BufferBudget"/> once the host is back within max-buffered-bytes.</summary>
    /// <remarks>The connection may have stopped while it waited; that is normal, so it stays out of the dead-letter log.</remarks>
    public sealed class BudgetFreed : IDeadLetterSuppression
    {
        public static readonly BudgetFreed Instance = new();

        private BudgetFreed()
        {
        }
    }

    /// <summary>Timer tick while the host budget keeps the connection waiting.</summary>
    public sealed class RecheckBudget
    {
        public static readonly RecheckBudget Instance = new();

        private RecheckBudget()
        {
        }
    }

    /// <summary>Told to itself after a reply, so every reply already in the mailbox goes out in the same write.</summary>
    /// <remarks>One may still be queued when the connection stops; that is normal, so it stays out of the dead-letter log.</remarks>
    public sealed class FlushReplies : IDeadLetterSuppression
    {
        public static readonly FlushReplies Instance = new();

        private FlushReplies()
        {
        }
    }
}
