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
/// <remarks>
/// Lifecycle states, each a behaviour (docs/architecture.md draws them): <see cref="Serving"/>;
/// <see cref="Draining"/> while bytes received before shutdown are still being read;
/// <see cref="Refusing"/> once they are, answering what is owed and refusing anything newer;
/// <see cref="InputEnded"/> after the client shut its write side; <see cref="Closed"/>. What is in
/// flight on the socket or the timers, whatever the state, is one <see cref="InFlight"/> value.
/// </remarks>
internal sealed class ConnectionActor : ActorBase, IWithTimers
{
    private const string TimeoutTimerKey = "request-timeout";
    private const string BudgetTimerKey = "budget-recheck";

    /// <summary>No shutdown has begun: every line of a read is answered, however far into it it ends.</summary>
    private const int NoDrain = int.MaxValue;

    /// <summary>The gathering list grown past this by one read is let go once the batch is sent.</summary>
    private const int RetainedBatchCapacity = 64;

    /// <summary>
    /// While the host budget keeps this connection waiting, it looks this often whether its client has
    /// left, which no read is outstanding to notice.
    /// </summary>
    private static readonly TimeSpan BudgetRecheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly Socket _socket;
    private readonly ChannelTarget _channel;

    /// <summary>The requests of the read being taken, sent to a channel that takes batches as one message once the read is done.</summary>
    private readonly List<ChannelProtocol.Request> _batch = [];
    private readonly IpcSettings _settings;
    private readonly IpcCodec _codec;
    private readonly ChannelMetrics _metrics;
    private readonly BufferBudget _budget;
    private readonly LineFramer _framer;
    private readonly ReplySlots _slots = new();
    /// <summary>Made on the first subscription: most connections never subscribe, and connects are a hot path.</summary>
    private PushQueue? _pushes;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<string?, IpcResponse> _timeoutReply;

    private OutputBuffer _pending = new();
    private OutputBuffer _sending = new();

    /// <summary>How far into the send buffer the socket has taken bytes.</summary>
    private int _sentOffset;

    /// <summary>The holdings last reported to the host budget.</summary>
    private long _accounted;
    private InFlight _inFlight;

    /// <summary>The broker, once it has told this connection of a subscription: told when the client stops writing.</summary>
    private IActorRef? _broker;

    public ConnectionActor(Socket socket, ChannelTarget channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget)
    {
        _socket = socket;
        _channel = channel;
        _settings = settings;
        _codec = codec;
        _metrics = metrics;
        _budget = budget;
        _framer = new LineFramer(settings.MaxLineBytes);
        _timeoutReply = runId => Answer(IpcErrors.Timeout(_settings.RequestTimeout, runId));
    }

    /// <summary>I/O and timer facts that hold independently of the lifecycle state.</summary>
    [Flags]
    private enum InFlight
    {
        None = 0,
        Read = 1,
        Send = 2,

        /// <summary>A <see cref="Connection.FlushReplies"/> is in the mailbox.</summary>
        Flush = 4,
        TimeoutTimer = 8,
        BudgetTimer = 16,

        /// <summary>The host budget will tell <see cref="Connection.BudgetFreed"/>.</summary>
        BudgetWake = 32,

        /// <summary>The listener has been told this connection's slot is free.</summary>
        SlotReleased = 64,

        /// <summary>A lingering close owns the socket now.</summary>
        SocketHandedOff = 128,
    }

    public ITimerScheduler Timers { get; set; } = null!;


    public static Props Props(Socket socket, ChannelTarget channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget) =>
        Akka.Actor.Props.CreateBy(new ConnectionActorProducer(socket, channel, settings, codec, metrics, budget));

    protected override void PreStart()
    {
        _metrics.ConnectionOpened();
        if (_settings.IdleTimeout is { } idle)
        {
            Context.SetReceiveTimeout(idle);
        }

        ReadMore(Phase.Serving);
    }

    protected override void PostStop()
    {
        ReleaseSlot();
        _metrics.ConnectionClosed();
        if (!Has(InFlight.SocketHandedOff))
        {
            _socket.Dispose();
        }

        _framer.Dispose();
        _pending.Dispose();
        if (!Has(InFlight.Send))
        {
            // A send still in flight may be reading this array; leave it to the GC rather than the pool.
            _sending.Dispose();
        }

        _budget.Update(_accounted, 0);
        _accounted = 0;
    }

    /// <summary>The first behaviour is <see cref="Serving"/>.</summary>
    protected override bool Receive(object message) => Serving(message);

    /// <summary>Reads, answers and writes; no shutdown has begun and the client may still write.</summary>
    private bool Serving(object message)
    {
        switch (message)
        {
            case Connection.ReadCompleted { Bytes: 0 } read:
                EndOfInput(read, refuse: false);
                return true;
            case Connection.ReadCompleted read:
                TakeLines(read, answerUpTo: NoDrain);
                Progress(Phase.Serving);
                return true;
            case Connection.Drain drain:
                GoOnDraining(drain.ReceivedBytes);
                return true;
            default:
                return Common(message, Phase.Serving);
        }
    }

    /// <summary>
    /// Shutdown began with <paramref name="readBudget"/> bytes received and not yet read: lines ending
    /// within them are answered as usual, anything after them arrived later and is refused.
    /// </summary>
    private Receive Draining(int readBudget) => message =>
    {
        switch (message)
        {
            case Connection.ReadCompleted { Bytes: 0 } read:
                EndOfInput(read, refuse: false);
                return true;
            case Connection.ReadCompleted read:
                TakeLines(read, answerUpTo: readBudget);
                GoOnDraining(readBudget - read.Bytes);
                return true;
            case Connection.Drain:
                return true;
            default:
                return Common(message, Phase.Draining);
        }
    };

    /// <summary>
    /// Draining, and every byte received before shutdown has been read: nothing more is read (so a
    /// client that keeps writing cannot hold the shutdown open); what is owed is answered, then a
    /// lingering close.
    /// </summary>
    private bool Refusing(object message)
    {
        switch (message)
        {
            // A read already outstanding when the drain began brings bytes that arrived after it.
            case Connection.ReadCompleted { Bytes: 0 } read:
                EndOfInput(read, refuse: true);
                return true;
            case Connection.ReadCompleted read:
                TakeLines(read, answerUpTo: 0);
                Progress(Phase.Refusing);
                return true;
            case Connection.Drain:
                return true;
            default:
                return Common(message, Phase.Refusing);
        }
    }

    /// <summary>The client shut down its write side (or closed): answer what it sent, then close.</summary>
    private bool InputEnded(object message) => message is Connection.Drain || Common(message, Phase.InputEnded);

    /// <summary>Stopping: the actor takes no further message.</summary>
    private static bool Closed(object message) => false;

    /// <summary>What every open state handles alike, differing only in what <paramref name="phase"/> allows.</summary>
    /// <remarks>
    /// One switch rather than a ReceiveActor's handler table: that table is built per instance, and a
    /// connect storm builds thousands of connections (each table held about a kilobyte for the connection's life).
    /// </remarks>
    private bool Common(object message, Phase phase)
    {
        switch (message)
        {
            case Connection.WriteCompleted written:
                // Even a part taken by the socket frees output room: replies waiting for it may be encoded, reading may resume.
                Sent(written.Offset);
                Progress(phase);
                return true;
            case Connection.IoFailed failed:
                OnIoFailed(failed);
                return true;
            case ChannelProtocol.Reply reply:
                if (TakeReply(reply.Id, reply.Response, Stopwatch.GetTimestamp()))
                {
                    FlushAfterThisRun();
                }

                return true;
            case ChannelProtocol.ReplyBatch batch:
                OnReplyBatch(batch, phase);
                return true;
            case BrokerProtocol.Subscribed subscribed:
                OnSubscribed(subscribed, phase);
                return true;
            case BrokerProtocol.Deliver deliver:
                if (_pushes?.Offer(deliver) == true)
                {
                    FlushAfterThisRun();
                }

                return true;
            case BrokerProtocol.DeliverBatch batch:
                OnDeliverBatch(batch);
                return true;
            case BrokerProtocol.Unsubscribed unsubscribed:
                _pushes?.Unsubscribe(unsubscribed.Key);
                return true;
            case Connection.FlushReplies:
                _inFlight &= ~InFlight.Flush;
                Progress(phase);
                return true;
            case Connection.CheckTimeouts:
                _inFlight &= ~InFlight.TimeoutTimer;
                if (_slots.Expire(Environment.TickCount64, _timeoutReply) is { } deadline)
                {
                    EnsureTimeoutTimer(deadline);
                }

                Progress(phase);
                return true;
            case Connection.BudgetFreed:
                // The budget's queue no longer holds this connection; it joins again if it must wait again.
                _inFlight &= ~InFlight.BudgetWake;
                Progress(phase);
                return true;
            case Connection.RecheckBudget:
                OnRecheckBudget(phase);
                return true;
            case ReceiveTimeout:
                if (OwesNothing)
                {
                    _log.Debug("Closing idle connection");
                    Close(phase.Lingers);
                }

                return true;
            default:
                return false;
        }
    }

    private void OnReplyBatch(ChannelProtocol.ReplyBatch batch, Phase phase)
    {
        // One clock reading for the batch: its replies arrived together.
        var taken = false;
        var now = Stopwatch.GetTimestamp();
        for (var index = 0; index < batch.Count; index++)
        {
            var reply = batch.Replies[index];
            taken |= TakeReply(reply.Id, reply.Response, now);
        }

        if (taken)
        {
            // A batch is already the run of one read's replies: write it now, as one send.
            Progress(phase);
        }
    }

    private void OnSubscribed(BrokerProtocol.Subscribed subscribed, Phase phase)
    {
        if (phase == Phase.InputEnded)
        {
            // A subscribe read just before the end of input: the client can no longer use it.
            Sender.Tell(new BrokerProtocol.InputEnded(Self));
            return;
        }

        _broker = Sender;
        (_pushes ??= new PushQueue(BrokerMetrics.Get(Context.System))).Subscribe(subscribed);
    }

    private void OnDeliverBatch(BrokerProtocol.DeliverBatch batch)
    {
        if (_pushes?.OfferAll(batch.Deliveries) == true)
        {
            FlushAfterThisRun();
        }
    }

    private void OnRecheckBudget(Phase phase)
    {
        // Waiting for the budget, this connection has no read outstanding, so it would not learn that its
        // client left; its line and replies would stay held, keeping the host over budget for good.
        if (Native.HungUp(_socket))
        {
            _log.Debug("Connection closed: the client left while the host budget held its reads");
            Become(Closed);
            Context.Stop(Self);
            return;
        }

        Progress(phase);
    }

    private void GoOnDraining(int readBudget)
    {
        if (readBudget > 0)
        {
            Become(Draining(readBudget));
            Progress(Phase.Draining);
        }
        else
        {
            Become(Refusing);
            Progress(Phase.Refusing);
        }
    }

    private void EndOfInput(Connection.ReadCompleted read, bool refuse)
    {
        _inFlight &= ~InFlight.Read;
        ByteBuffers.Return(read.Buffer);
        // A final line without '\n' still counts.
        if (_framer.TryReadFinalLine(out var line))
        {
            OnLine(line, refuse, ReadClock.Now());
            SendBatch();
        }

        // A half-closed subscriber loses its subscriptions at once (docs/protocol.md §9.4).
        _broker?.Tell(new BrokerProtocol.InputEnded(Self));
        _pushes?.UnsubscribeAll();
        Become(InputEnded);
        Progress(Phase.InputEnded);
    }

    /// <summary>
    /// Takes every line the read completes. A line whose <c>\n</c> lies past the first
    /// <paramref name="answerUpTo"/> bytes of the read arrived after shutdown began and is refused.
    /// </summary>
    private void TakeLines(Connection.ReadCompleted read, int answerUpTo)
    {
        _inFlight &= ~InFlight.Read;
        try
        {
            _metrics.Received(read.Bytes);
            var received = ReadClock.Now();
            ReadOnlySpan<byte> bytes = read.Buffer.AsSpan(0, read.Bytes);
            var rest = bytes;
            while (_framer.TryReadLine(ref rest, out var line) is var found && found != LineRead.NeedMore)
            {
                if (found == LineRead.Line)
                {
                    OnLine(line, refuse: bytes.Length - rest.Length > answerUpTo, received);
                }
                else
                {
                    _slots.AddReady(Answer(IpcErrors.FrameTooLarge(_settings.MaxLineBytes)), 0);
                }
            }

            SendBatch();
        }
        finally
        {
            // The framer has copied any unfinished line, so the buffer can go back at once.
            ByteBuffers.Return(read.Buffer);
        }
    }

    /// <summary>Takes one line; <paramref name="received"/> is when the read that brought it was taken, which every line of the read shares.</summary>
    private void OnLine(ReadOnlySpan<byte> line, bool refuse, ReadClock received)
    {
        var decoded = _codec.DecodeRequest(line);
        if (decoded.Request is not { } request)
        {
            _slots.AddReady(Answer(decoded.Error!), line.Length);
            return;
        }

        if (refuse)
        {
            _slots.AddReady(Answer(IpcErrors.ShuttingDown(request.RunId)), line.Length);
            return;
        }

        var deadline = received.TickCount + (long)_settings.RequestTimeout.TotalMilliseconds;
        var sequence = _slots.Open(request.RunId, deadline, received.Timestamp, line.Length);
        var forwarded = new ChannelProtocol.Request(sequence, request);
        if (_channel.TakesBatches)
        {
            _batch.Add(forwarded);
        }
        else
        {
            _channel.Actor.Tell(forwarded, Self);
        }

        EnsureTimeoutTimer(deadline);
    }

    /// <summary>Sends the requests gathered from one read as one message: one mailbox entry per read, not per request.</summary>
    private void SendBatch()
    {
        if (_batch.Count > 0)
        {
            _channel.Actor.Tell(new ChannelProtocol.RequestBatch([.. _batch]), Self);
            _batch.Clear();
            if (_batch.Capacity > RetainedBatchCapacity)
            {
                // A read full of small requests grows the list to hundreds; an idle connection should not keep that.
                _batch.Capacity = 0;
            }
        }
    }

    /// <summary>Fills the reply's slot; false for a reply to a request that already timed out (its slot is filled or gone).</summary>
    /// <remarks>
    /// The reply is encoded only when the output has room for it (in <see cref="Flush"/>), so an unread
    /// client's replies are never held twice.
    /// </remarks>
    private bool TakeReply(long id, IpcResponse response, long now)
    {
        if (!_slots.TryFill(id, response, out var started))
        {
            return false;
        }

        _metrics.Handled(started, now);
        _metrics.Answered(response.ErrorCode);
        return true;
    }

    private void FlushAfterThisRun()
    {
        if (!Has(InFlight.Flush))
        {
            // Replies to pipelined requests may arrive as a run of messages; write them after the run,
            // with one send, rather than one send per reply.
            _inFlight |= InFlight.Flush;
            Self.Tell(Connection.FlushReplies.Instance);
        }
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

        _inFlight &= ~InFlight.Send;
        _sentOffset = 0;
        _metrics.Sent(_sending.Length);
        _sending.Clear();
    }

    private void OnIoFailed(Connection.IoFailed failed)
    {
        // The client vanished or the socket broke: this connection ends quietly, the listener and other clients go on.
        _log.Debug("Connection closed after I/O error: {0}", failed.Cause.Message);
        Become(Closed);
        Context.Stop(Self);
    }

    /// <summary>A reply the connection produced itself, counted for its channel.</summary>
    private IpcResponse Answer(IpcResponse response)
    {
        _metrics.Answered(response.ErrorCode);
        return response;
    }

    private bool Has(InFlight fact) => (_inFlight & fact) != 0;

    private void EnsureTimeoutTimer(long deadline)
    {
        if (Has(InFlight.TimeoutTimer))
        {
            return;
        }

        _inFlight |= InFlight.TimeoutTimer;
        var delay = TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64));
        Timers.StartSingleTimer(TimeoutTimerKey, Connection.CheckTimeouts.Instance, delay);
    }

    /// <summary>Every replied-to, not yet written, or still unanswered request has been dealt with.</summary>
    private bool OwesNothing => _slots.Count == 0 && !Has(InFlight.Send) && _pending.Length == 0;

    /// <summary>Encoded reply bytes the kernel has not yet taken: the rest of the send buffer and all of the pending one.</summary>
    private long OutputBytes => _pending.Length + (_sending.Length - _sentOffset);

    /// <summary>Everything this connection holds for its client, as the host budget counts it.</summary>
    private long Holdings => _framer.BufferedBytes + _slots.RequestBytes + OutputBytes;

    /// <summary>After any change of state: write what is ready, report holdings, read more if allowed, close if finished.</summary>
    private void Progress(Phase phase)
    {
        Flush();
        Account();
        ReadMore(phase);
        if (phase.ClosesWhenDone && OwesNothing)
        {
            Close(phase.Lingers);
        }
    }

    private void Flush()
    {
        while (true)
        {
            _slots.TakeReady(_pending, OutputBytes, _settings.MaxConnectionBufferedBytes);

            // Deliveries go between replies, never inside one, and never before their subscription's ack.
            _pushes?.TakeReady(_pending, OutputBytes, _settings.MaxConnectionBufferedBytes, _slots.Written);
            if (Has(InFlight.Send) || _pending.Length == 0)
            {
                return;
            }

            (_sending, _pending) = (_pending, _sending);
            _inFlight |= InFlight.Send;

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

    private void ReadMore(Phase phase)
    {
        if (!phase.MayRead || Has(InFlight.Read) || ShouldPauseReading() || WaitingForBudget())
        {
            return;
        }

        _inFlight |= InFlight.Read;
        _ = ReceiveWhenReadable(Self, _socket, _settings.ReceiveBufferBytes);
    }

    /// <summary>
    /// Waits for data with an empty buffer and rents one only once bytes have arrived, so an idle
    /// connection holds no receive buffer: ten thousand idle clients would otherwise pin 80 MiB.
    /// The outcome is told to the connection from here rather than piped, which would add a second
    /// task and continuation to every read. Nothing escapes, so the task needs no observer.
    /// </summary>
    /// <remarks>
    /// Only the bytes that arrived travel to the actor, in an array of their size: the receive buffer
    /// goes back to the pool on this thread at once. Under load hundreds of reads wait in mailboxes,
    /// and each holding a whole receive buffer drained the pool, so most reads allocated a new one.
    /// </remarks>
    private static async Task ReceiveWhenReadable(IActorRef connection, Socket socket, int bufferBytes)
    {
        byte[]? buffer = null;
        try
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
            buffer = ByteBuffers.Rent(bufferBytes);
            var bytes = await socket.ReceiveAsync(buffer.AsMemory(0, bufferBytes), SocketFlags.None).ConfigureAwait(false);
            var received = ByteBuffers.Rent(Math.Max(bytes, 1));
            buffer.AsSpan(0, bytes).CopyTo(received);
            connection.Tell(new Connection.ReadCompleted(received, bytes));
        }
        catch (Exception ex)
        {
            connection.Tell(new Connection.IoFailed(ex));
        }
        finally
        {
            if (buffer is not null)
            {
                ByteBuffers.Return(buffer);
            }
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
            if (Has(InFlight.BudgetTimer))
            {
                _inFlight &= ~InFlight.BudgetTimer;
                Timers.Cancel(BudgetTimerKey);
            }

            return false;
        }

        if (!Has(InFlight.BudgetTimer))
        {
            _inFlight |= InFlight.BudgetTimer;
            Timers.StartPeriodicTimer(BudgetTimerKey, Connection.RecheckBudget.Instance, BudgetRecheckInterval);
        }

        if (!Has(InFlight.BudgetWake))
        {
            _inFlight |= InFlight.BudgetWake;
            _budget.WakeWhenFreed(Self);
        }

        return true;
    }

    private void Close(bool linger)
    {
        Become(Closed);
        if (linger)
        {
            // The client may still be writing: a lingering close gives it every reply and then a clean end
            // of stream. The listener waits for it (told before Released, so it cannot report drained first).
            _inFlight |= InFlight.SocketHandedOff;
            Context.Parent.Tell(new Connection.Lingering(LingeringClose.Start(_socket, LingeringClose.DefaultLinger)));
        }

        ReleaseSlot();
        if (!linger)
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
        if (!Has(InFlight.SlotReleased))
        {
            _inFlight |= InFlight.SlotReleased;
            Context.Parent.Tell(new Connection.Released(Self));
        }
    }

    /// <summary>What a lifecycle state allows of the shared handlers.</summary>
    /// <param name="MayRead">Reads may be started (backpressure and the host budget permitting).</param>
    /// <param name="ClosesWhenDone">The connection closes once it owes nothing.</param>
    /// <param name="Lingers">A close hands the socket to a lingering close (the client may still be writing during a drain).</param>
    private readonly record struct Phase(bool MayRead, bool ClosesWhenDone, bool Lingers)
    {
        public static readonly Phase Serving = new(MayRead: true, ClosesWhenDone: false, Lingers: false);
        public static readonly Phase Draining = new(MayRead: true, ClosesWhenDone: false, Lingers: true);
        public static readonly Phase Refusing = new(MayRead: false, ClosesWhenDone: true, Lingers: true);
        public static readonly Phase InputEnded = new(MayRead: false, ClosesWhenDone: true, Lingers: false);
    }
}

/// <summary>
/// Builds a <see cref="ConnectionActor"/> with a plain constructor call. A connect storm creates
/// thousands of them, and Props.Create's expression tree and reflective constructor call are paid
/// on every one.
/// </summary>
internal sealed class ConnectionActorProducer(
    Socket socket, ChannelTarget channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget)
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
