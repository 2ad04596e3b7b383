using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;

namespace OpsClaw.Bench;

/// <summary>
/// One generator connection keeping <c>depth</c> pings in flight: it sends depth at once, then after
/// every read sends as many new pings as replies arrived, in one write. Replies come in request order,
/// so a ring of send times gives each reply its latency.
/// </summary>
internal sealed class LoadConnection
{
    /// <summary>Latencies up to 10 s at three significant digits, in nanoseconds.</summary>
    private const long HighestLatencyNs = 10_000_000_000;

    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly Socket _socket;
    private readonly int _depth;
    private readonly byte[] _pings;
    private readonly long[] _sentAt;
    private readonly ReplyScanner _replies = new();
    private int _oldest;
    private int _inFlight;

    public LoadConnection(Socket socket, int depth, byte[] pings)
    {
        _socket = socket;
        _depth = depth;
        _pings = pings;
        _sentAt = new long[depth];
    }

    public LongHistogram Latencies { get; } = new(100, HighestLatencyNs, 3);

    /// <summary>Replies received while measuring.</summary>
    public long Completed { get; private set; }

    /// <summary>Wrong replies, plus one if the connection failed or the server closed it.</summary>
    public long Errors => _replies.Mismatches + (Failed ? 1 : 0);

    public bool Failed { get; private set; }

    /// <summary>Runs until the phase stops and every request in flight has its reply, or <paramref name="cancel"/> fires.</summary>
    public async Task RunAsync(LoadPhase phase, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            await SendAsync(_depth, cancel).ConfigureAwait(false);

            // Bounded by the phase and the caller's deadline: it stops sending once the phase stops.
            while (_inFlight > 0)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
                if (read == 0)
                {
                    Failed = true;
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var replies = _replies.Scan(buffer.AsSpan(0, read));
                Account(replies, now, phase.Measuring);
                if (!phase.Stopping && replies > 0)
                {
                    await SendAsync(replies, cancel).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Failed = true;
        }
    }

    private void Account(int replies, long now, bool measuring)
    {
        for (var i = 0; i < replies && _inFlight > 0; i++)
        {
            var sentAt = _sentAt[_oldest];
            _oldest = (_oldest + 1) % _depth;
            _inFlight--;
            if (measuring)
            {
                Latencies.RecordValue(Math.Clamp((long)((now - sentAt) * NsPerTick), 100, HighestLatencyNs));
                Completed++;
            }
        }
    }

    private ValueTask SendAsync(int count, CancellationToken cancel)
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            _sentAt[(_oldest + _inFlight) % _depth] = now;
            _inFlight++;
        }

        return Wire.SendAllAsync(_socket, _pings.AsMemory(0, count * Wire.PingLine.Length), cancel);
    }
}
