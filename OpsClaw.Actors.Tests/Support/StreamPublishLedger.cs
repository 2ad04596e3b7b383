using System.Collections.Concurrent;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// What the publishers of a crash spec sent and which of those the host acknowledged, with the seq of
/// each ack. A publish is recorded as sent before its request is written, so a message stored by a host
/// that died before answering is still known to have been published.
/// </summary>
public sealed class StreamPublishLedger
{
    private readonly ConcurrentDictionary<StreamPublishId, byte> _sent = new();
    private readonly ConcurrentDictionary<StreamPublishId, long> _acked = new();
    private readonly ConcurrentQueue<string> _refusals = new();

    public IReadOnlyDictionary<StreamPublishId, long> Acked => _acked;

    /// <summary>Error replies (not a closed connection): such a publish may or may not be stored.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    public int SentCount => _sent.Count;

    public bool WasSent(StreamPublishId id) => _sent.ContainsKey(id);

    public void Sending(StreamPublishId id)
    {
        if (!_sent.TryAdd(id, 0))
        {
            throw new InvalidOperationException($"{id} is published twice by the spec itself");
        }
    }

    public void AckedAt(StreamPublishId id, long seq) => _acked[id] = seq;

    public void Refused(StreamPublishId id, string? errorCode) => _refusals.Enqueue($"{id}: {errorCode}");
}
