using System.Diagnostics;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// One publishing connection. It keeps at most its window of messages published and not yet
/// delivered (by every subscriber, or by some member of a group), sending as many as the window
/// allows in one write, so the run measures the server's steady pace, not a queue growing without
/// bound. A separate loop reads the server's answers to publishes and checks each one's receivers.
/// </summary>
internal sealed class Publisher : BrokerConnection
{
    private const int MaxBatch = 64;

    /// <summary>A window that stays full this long means messages were lost; the publisher then stops.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(20);

    private readonly int _index;
    private readonly int _window;
    private readonly long _receivers;
    private readonly byte[] _frame;
    private readonly int _stampOffset;
    private long _published;
    private long _refused;

    public Publisher(BrokerDialect dialect, Socket socket, int index, int window, long receivers, byte[] frame)
        : base(dialect, socket)
    {
        _index = index;
        _window = window;
        _receivers = receivers;
        _frame = frame;
        _stampOffset = BenchBody.StampOffset(frame);
    }

    public Pulse Pulse { get; } = new();

    /// <summary>Messages handed to the socket; sequence numbers run 1 to this.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Publishes the server refused (opsclaw's <c>overloaded</c>): stored nowhere, so never delivered.</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Publish answers whose receiver count was not the number of subscriptions (or groups) opened.</summary>
    public long WrongReceivers { get; private set; }

    /// <summary>Whether it stopped because its window stayed full (messages lost on the way).</summary>
    public bool Stalled { get; private set; }

    public Task OpenAsync(CancellationToken cancel) => OpenAsync(Dialect.PublisherHandshake(), cancel);

    /// <summary>Publishes until the phase stops, within its window of <paramref name="settled"/>.</summary>
    public async Task PublishAsync(LoadPhase phase, Func<int, long> settled, CancellationToken cancel)
    {
        var batch = new byte[MaxBatch * _frame.Length];
        long Credit() => _window - (_published - settled(_index) - Refused);
        var lastSettled = -1L;
        var lastProgress = Stopwatch.GetTimestamp();

        // Bounded by the phase, and by the stall timeout while the window stays full.
        while (!phase.Stopping)
        {
            var credit = Credit();
            if (credit <= 0)
            {
                var now = settled(_index);
                if (now != lastSettled)
                {
                    lastSettled = now;
                    lastProgress = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastProgress) > StallTimeout)
                {
                    Stalled = true;
                    return;
                }

                var wake = Pulse.Arm();
                if (Credit() <= 0)
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

                continue;
            }

            var count = (int)Math.Min(credit, MaxBatch);
            var time = Stopwatch.GetTimestamp();
            for (var index = 0; index < count; index++)
            {
                var frame = batch.AsSpan(index * _frame.Length, _frame.Length);
                _frame.CopyTo(frame);
                BenchBody.Stamp(frame.Slice(_stampOffset, BenchBody.StampLength), time, _index, _published + index + 1);
            }

            Volatile.Write(ref _published, _published + count);
            await SendAsync(batch.AsMemory(0, count * _frame.Length), cancel).ConfigureAwait(false);
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
            await AnswerPingsAsync(token).ConfigureAwait(false);
            return true;
        },
        cancel);

    public override void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered) => Errors++;

    protected override void Answered(bool ok, long count, ReadOnlySpan<byte> frame)
    {
        if (!ok && frame.IndexOf("\"error_code\":\"overloaded\""u8) >= 0)
        {
            Interlocked.Increment(ref _refused);
        }
        else if (ok && Dialect.CountsReceivers && count != _receivers)
        {
            WrongReceivers++;
        }
    }
}
