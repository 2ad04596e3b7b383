using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;

namespace OpsClaw.Bench;

/// <summary>
/// One subscribing connection: reads deliveries, takes each one's latency from the publish time in
/// its body, and tracks every publisher's sequence numbers to count what was lost. On its own a
/// subscription must see each publisher's messages in order (all three servers promise that), so a
/// gap is a loss; in a group the members record what they saw in shared <see cref="SeenSet"/>s.
/// With explicit acks it acknowledges <c>up_to</c> its latest delivery in batches.
/// </summary>
internal sealed class Subscriber : BrokerConnection
{
    /// <summary>Acks go out once this many deliveries are unacknowledged, or when nothing more is waiting to be read.</summary>
    private const int AckBatch = 64;

    private const long HighestLatencyNs = 10_000_000_000;
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly LoadPhase _phase;
    private readonly SeenSet[]? _groupSeen;
    private readonly bool _explicitAck;
    private readonly long[] _highest;
    private readonly long[] _received;
    private long _now;
    private bool _measuring;
    private long _lastDelivery;
    private long _unacked;
    private string _subscription = "";

    public Subscriber(BrokerDialect dialect, Socket socket, int publishers, LoadPhase phase, SeenSet[]? groupSeen, bool explicitAck)
        : base(dialect, socket)
    {
        _phase = phase;
        _groupSeen = groupSeen;
        _explicitAck = explicitAck;
        _highest = new long[publishers];
        _received = new long[publishers];
    }

    public LongHistogram Latencies { get; } = new(100, HighestLatencyNs, 3);

    /// <summary>Deliveries read while the run was measuring.</summary>
    public long Measured { get; private set; }

    /// <summary>Messages a publisher sent past one this subscription received next (alone, not in a group).</summary>
    public long Gaps { get; private set; }

    /// <summary>Deliveries older than one already received from the same publisher (alone) or seen by the group already.</summary>
    public long Repeated { get; private set; }

    /// <summary>What the server said it dropped (opsclaw's <c>dropped</c>).</summary>
    public long DroppedReported { get; private set; }

    public long Redelivered { get; private set; }

    /// <summary>The highest sequence number received from <paramref name="publisher"/>: alone, every one up to it is received or lost.</summary>
    public long Highest(int publisher) => Volatile.Read(ref _highest[publisher]);

    /// <summary>Deliveries received from <paramref name="publisher"/>.</summary>
    public long Received(int publisher) => Volatile.Read(ref _received[publisher]);

    /// <summary>Opens the subscription and keeps its id for acks.</summary>
    public Task SubscribeAsync(string topic, string? group, CancellationToken cancel) =>
        OpenAsync(Dialect.Subscribe(topic, group, _explicitAck), cancel);

    public Task RunAsync(Action progress, CancellationToken cancel) => ReceiveUntilClosedAsync(
        async token =>
        {
            if (!await Buffer.ReceiveAsync(Socket, token).ConfigureAwait(false))
            {
                return false;
            }

            _now = Stopwatch.GetTimestamp();
            _measuring = _phase.Measuring;
            Buffer.Parse(Dialect, this);
            progress();
            await AnswerPingsAsync(token).ConfigureAwait(false);
            if (_unacked > 0 && (_unacked >= AckBatch || Socket.Available == 0))
            {
                _unacked = 0;
                await SendAsync(Dialect.AckUpTo(_subscription, _lastDelivery), token).ConfigureAwait(false);
            }

            return true;
        },
        cancel);

    public override void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered)
    {
        if (!BenchBody.TryRead(frame, out var time, out var publisher, out var sequence) || publisher >= _highest.Length)
        {
            Errors++;
            return;
        }

        if (_measuring)
        {
            Measured++;
            Latencies.RecordValue(Math.Clamp((long)((_now - time) * NsPerTick), 100, HighestLatencyNs));
        }

        DroppedReported += dropped;
        Redelivered += redelivered ? 1 : 0;
        if (_explicitAck && delivery > _lastDelivery)
        {
            _lastDelivery = delivery;
            _unacked++;
        }

        if (_groupSeen is not null)
        {
            Repeated += _groupSeen[publisher].Add(sequence) ? 0 : 1;
        }
        else
        {
            var next = _highest[publisher] + 1;
            if (sequence < next)
            {
                Repeated++;
            }
            else
            {
                Gaps += sequence - next;
                Volatile.Write(ref _highest[publisher], sequence);
            }
        }

        Volatile.Write(ref _received[publisher], _received[publisher] + 1);
    }

    protected override void Answered(bool ok, long count, ReadOnlySpan<byte> frame)
    {
        if (ok && _subscription.Length == 0 && _explicitAck)
        {
            _subscription = Dialect.SubscriptionId(frame);
        }
    }
}
