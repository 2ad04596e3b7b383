using System.Diagnostics;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// A durable consumer's one member, reading the stream from its start: it counts deliveries up to
/// a target, checks they come in sequence order with none missing (1, 2, 3, …), and acknowledges
/// cumulatively its latest delivery once 64 are unacknowledged or nothing more is waiting to be
/// read, as the broker bench's group members do.
/// </summary>
internal sealed class StreamReader : BrokerConnection
{
    private const int AckBatch = 64;
    private const int MaxAckToken = 256;

    private readonly StreamProtocol _protocol;
    private readonly long _target;
    private readonly byte[] _ackToken = new byte[MaxAckToken];
    private readonly TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ackTokenLength;
    private long _lastDelivery;
    private long _unacked;
    private long _received;
    private string _subscription = "";

    public StreamReader(StreamProtocol protocol, Socket socket, long target)
        : base(protocol.Wire, socket)
    {
        _protocol = protocol;
        _target = target;
    }

    public long Received => Volatile.Read(ref _received);

    /// <summary>Deliveries whose sequence was not the next one expected (a gap, a repeat, or out of order).</summary>
    public long OutOfSequence { get; private set; }

    /// <summary>Completes with the timestamp at which the target-th delivery was read.</summary>
    public Task<long> Done => _done.Task;

    public Task SubscribeAsync(string durable, CancellationToken cancel) => OpenAsync(_protocol.ReaderHandshake(durable), cancel);

    public Task RunAsync(CancellationToken cancel) => ReceiveUntilClosedAsync(
        async token =>
        {
            if (!await Buffer.ReceiveAsync(Socket, token).ConfigureAwait(false))
            {
                return false;
            }

            Buffer.Parse(Dialect, this);
            if (Received >= _target)
            {
                _done.TrySetResult(Stopwatch.GetTimestamp());
            }

            await AnswerPingsAsync(token).ConfigureAwait(false);
            if (_unacked > 0 && (_unacked >= AckBatch || Socket.Available == 0))
            {
                _unacked = 0;
                await SendAsync(_protocol.AckUpTo(_subscription, _lastDelivery, _ackToken.AsSpan(0, _ackTokenLength)), token).ConfigureAwait(false);
            }

            return true;
        },
        cancel);

    public override void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered)
    {
        var seq = _protocol.DeliveredSeq(frame);
        if (seq < 0)
        {
            Errors++;
            return;
        }

        OutOfSequence += seq == _received + 1 ? 0 : 1;
        Volatile.Write(ref _received, _received + 1);
        _lastDelivery = delivery;
        var ackToken = _protocol.AckToken(frame);
        if (ackToken.Length <= MaxAckToken)
        {
            ackToken.CopyTo(_ackToken);
            _ackTokenLength = ackToken.Length;
        }

        _unacked++;
    }

    protected override void Answered(bool ok, long count, ReadOnlySpan<byte> frame)
    {
        if (ok && _subscription.Length == 0 && _protocol.AcksAreReplies)
        {
            _subscription = Dialect.SubscriptionId(frame);
        }
    }
}
