using System.Collections.Frozen;
using System.Diagnostics;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Metrics;

/// <summary>
/// The live figures of one channel, shared by its listener and every connection: kept here for
/// <c>control.status</c> and published on <see cref="IpcMeter"/> at the same time. Thread-safe.
/// </summary>
internal sealed class ChannelMetrics
{
    private static readonly FrozenDictionary<string, int> CodeIndex =
        IpcErrors.AllCodes.Select((code, index) => KeyValuePair.Create(code, index)).ToFrozenDictionary(StringComparer.Ordinal);

    private readonly KeyValuePair<string, object?> _channelTag;
    private readonly KeyValuePair<string, object?>[][] _errorTags;
    private readonly long[] _errors = new long[IpcErrors.AllCodes.Count];
    private readonly LatencyHistogram _latency = new();
    private long _currentConnections;
    private long _totalConnections;
    private long _requests;

    public ChannelMetrics(string channel)
    {
        Channel = channel;
        _channelTag = KeyValuePair.Create<string, object?>("channel", channel);
        _errorTags = [.. IpcErrors.AllCodes.Select(code => new[] { _channelTag, KeyValuePair.Create<string, object?>("error_code", code) })];
    }

    public string Channel { get; }

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _currentConnections);
        Interlocked.Increment(ref _totalConnections);
        IpcMeter.ActiveConnections.Add(1, _channelTag);
        IpcMeter.OpenedConnections.Add(1, _channelTag);
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _currentConnections);
        IpcMeter.ActiveConnections.Add(-1, _channelTag);
    }

    /// <summary>One request line answered; <paramref name="errorCode"/> is null for a success.</summary>
    public void Answered(string? errorCode)
    {
        Interlocked.Increment(ref _requests);
        IpcMeter.Requests.Add(1, _channelTag);
        if (errorCode is not null)
        {
            Error(errorCode);
        }
    }

    /// <summary>An error sent outside any request: a refused connection (forbidden, overloaded).</summary>
    public void Error(string errorCode)
    {
        if (CodeIndex.TryGetValue(errorCode, out var index))
        {
            Interlocked.Increment(ref _errors[index]);
            IpcMeter.Errors.Add(1, _errorTags[index]);
        }
    }

    /// <summary>How long the channel took, from <paramref name="startTimestamp"/> to <paramref name="now"/> (both <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Handled(long startTimestamp, long now)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp, now);
        _latency.Record((long)(elapsed.Ticks / TimeSpan.TicksPerMicrosecond));
        IpcMeter.RequestDuration.Record(elapsed.TotalMilliseconds, _channelTag);
    }

    public void Received(int bytes) => IpcMeter.BytesReceived.Add(bytes, _channelTag);

    public void Sent(int bytes) => IpcMeter.BytesSent.Add(bytes, _channelTag);

    public ChannelStatus Snapshot()
    {
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _errors.Length; i++)
        {
            var count = Interlocked.Read(ref _errors[i]);
            if (count > 0)
            {
                errors[IpcErrors.AllCodes[i]] = count;
            }
        }

        return new ChannelStatus(
            Channel,
            Interlocked.Read(ref _currentConnections),
            Interlocked.Read(ref _totalConnections),
            Interlocked.Read(ref _requests),
            errors,
            _latency.QuantileMs(0.50),
            _latency.QuantileMs(0.99));
    }
}
