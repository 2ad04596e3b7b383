using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;

namespace OpsClaw.Bench;

/// <summary>
/// One publishing connection to a stream, pipelined: it keeps at most <c>depth</c> publishes sent
/// and not yet answered, sending as many as that allows in one write, and counts the answers that
/// say the message is stored (opsclaw's <c>runtime.publish.ack</c> with its <c>seq</c>, JetStream's
/// PubAck). Both servers answer one connection's publishes in order, so a ring of send times gives
/// each answer's latency.
/// </summary>
internal sealed class AckedPublisher : BrokerConnection
{
    /// <summary>No answer for this long with publishes outstanding: the server is stuck, and the publisher stops.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(20);
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;
    private const long HighestLatencyNs = 60_000_000_000;

    private readonly StreamProtocol _protocol;
    private readonly int _index;
    private readonly byte[] _frame;
    private readonly long[] _sentAt;
    private readonly Pulse _pulse = new();
    private LoadPhase _phase = new();
    private long _sent;
    private long _answered;
    private long _highestSeq;

    public AckedPublisher(StreamProtocol protocol, Socket socket, int index, int depth)
        : base(protocol.Wire, socket)
    {
        _protocol = protocol;
        _index = index;
        _frame = protocol.PublishFrame(index, BenchBody.Template());
        _sentAt = new long[depth];
    }

    public LongHistogram Latencies { get; } = new(1000, HighestLatencyNs, 3);

    /// <summary>Publishes answered as stored while the phase was measuring.</summary>
    public long MeasuredAcks { get; private set; }

    /// <summary>Publishes answered as stored, in every phase.</summary>
    public long Acked { get; private set; }

    /// <summary>The highest stream sequence an answer gave.</summary>
    public long HighestSeq => Volatile.Read(ref _highestSeq);

    /// <summary>Whether it stopped because the server answered nothing for <see cref="StallTimeout"/>.</summary>
    public bool Stalled { get; private set; }

    public long Outstanding => Volatile.Read(ref _sent) - Volatile.Read(ref _answered);

    public Task OpenAsync(CancellationToken cancel) => OpenAsync(_protocol.PublisherHandshake(_index), cancel);

    /// <summary>Publishes until <paramref name="phase"/> stops or <paramref name="budget"/> is spent, then waits for the answers to what it sent (at most the stall timeout).</summary>
    public async Task PublishAsync(LoadPhase phase, PublishBudget budget, CancellationToken cancel)
    {
        _phase = phase;
        var depth = _sentAt.Length;
        var batch = new byte[depth * _frame.Length];
        var lastAnswered = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        var spent = false;

        // Bounded by the phase or the budget, and by the stall timeout while answers stop coming.
        while (!(spent || phase.Stopping) || Outstanding > 0)
        {
            var credit = (spent || phase.Stopping) ? 0 : depth - (int)Outstanding;
            var granted = credit > 0 ? budget.Take(credit) : 0;
            spent |= credit > 0 && granted == 0;
            if (granted > 0)
            {
                var now = Stopwatch.GetTimestamp();
                for (var index = 0; index < granted; index++)
                {
                    _sentAt[(_sent + index) % depth] = now;
                    _frame.CopyTo(batch, index * _frame.Length);
                }

                Volatile.Write(ref _sent, _sent + granted);
                await SendAsync(batch.AsMemory(0, granted * _frame.Length), cancel).ConfigureAwait(false);
                continue;
            }

            var answered = Volatile.Read(ref _answered);
            if (answered != lastAnswered)
            {
                lastAnswered = answered;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > StallTimeout)
            {
                Stalled = true;
                return;
            }

            var wake = _pulse.Arm();
            if (Outstanding >= depth || ((spent || phase.Stopping) && Outstanding > 0))
            {
                try
                {
                    await wake.WaitAsync(WaitSlice, cancel).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Checks the phase and the stall again.
                }
            }
        }
    }

    /// <summary>Reads answers until the run closes the connection.</summary>
    public Task ReceiveAsync(CancellationToken cancel) => ReceiveUntilClosedAsync(
        async token =>
        {
            if (!await Buffer.ReceiveAsync(Socket, token).ConfigureAwait(false))
            {
                return false;
            }

            Buffer.Parse(Dialect, this);
            _pulse.Set();
            await AnswerPingsAsync(token).ConfigureAwait(false);
            return true;
        },
        cancel);

    public override void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered)
    {
        if (_protocol.AcksAreReplies)
        {
            // opsclaw pushes nothing to a connection that subscribed to nothing.
            Errors++;
            return;
        }

        Answer(!_protocol.IsErrorAck(frame), frame);
    }

    protected override void Answered(bool ok, long count, ReadOnlySpan<byte> frame)
    {
        if (_protocol.AcksAreReplies || !ok)
        {
            // A NATS PONG answers the handshake, not a publish; its errors (a 503 status, -ERR) answer publishes.
            Answer(ok, frame);
        }
    }

    private void Answer(bool ok, ReadOnlySpan<byte> frame)
    {
        if (Volatile.Read(ref _sent) == _answered)
        {
            // An error with nothing outstanding (a handshake's -ERR) answers no publish; the base class counted it.
            return;
        }

        var sentAt = _sentAt[_answered % _sentAt.Length];
        Volatile.Write(ref _answered, _answered + 1);
        if (!ok)
        {
            // The base class counted error replies; a PubAck with an error arrives as a message and is counted here.
            if (!_protocol.AcksAreReplies && frame.StartsWith("MSG "u8))
            {
                Errors++;
            }

            return;
        }

        Acked++;
        var seq = _protocol.AckedSeq(frame);
        if (seq > _highestSeq)
        {
            Volatile.Write(ref _highestSeq, seq);
        }

        if (_phase.Measuring)
        {
            MeasuredAcks++;
            Latencies.RecordValue(Math.Clamp((long)((Stopwatch.GetTimestamp() - sentAt) * NsPerTick), 1000, HighestLatencyNs));
        }
    }
}
