using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Checks a stream read back after a crash against what was published: every acknowledged publish is
/// there under the seq its ack gave; nothing is there that was never published, or twice; no seq holds
/// other content than before; and whatever an earlier read back found is still there, unchanged.
/// </summary>
public sealed class StreamContentCheck
{
    /// <summary>What earlier read backs found, by seq: once read, a message is stored, and must stay.</summary>
    private readonly Dictionary<long, StreamPublishId> _readBefore = [];

    public int Stored => _readBefore.Count;

    public void Check(IReadOnlyList<StoredMessage> read, long lastSeq, StreamInfo report, StreamPublishLedger ledger, ViolationLog violations)
    {
        var bySeq = new Dictionary<long, StreamPublishId>();
        var byId = new Dictionary<StreamPublishId, long>();
        foreach (var message in read)
        {
            if (StreamPublishId.Parse(message.Body) is not { } id)
            {
                violations.Add($"seq {message.Seq} holds a body no publisher of this spec sent: {message.Body}");
                continue;
            }

            if (!ledger.WasSent(id))
            {
                violations.Add($"seq {message.Seq} holds {id}, which was never published");
            }

            if (message.Topic != id.Topic)
            {
                violations.Add($"seq {message.Seq} holds {id} under topic {message.Topic}, not {id.Topic}");
            }

            if (bySeq.TryGetValue(message.Seq, out var earlier))
            {
                if (earlier != id)
                {
                    violations.Add($"seq {message.Seq} was delivered twice with different content: {earlier}, then {id}");
                }

                continue;
            }

            bySeq[message.Seq] = id;
            if (!byId.TryAdd(id, message.Seq))
            {
                violations.Add($"{id} is stored twice, as seq {byId[id]} and seq {message.Seq} (it was published once)");
            }
        }

        foreach (var (id, seq) in ledger.Acked)
        {
            if (!bySeq.TryGetValue(seq, out var stored))
            {
                violations.Add($"{id} was acknowledged with seq {seq}, which is not in the stream: an acknowledged publish was lost");
            }
            else if (stored != id)
            {
                violations.Add($"{id} was acknowledged with seq {seq}, which holds {stored}");
            }
        }

        foreach (var (seq, id) in _readBefore)
        {
            if (!bySeq.TryGetValue(seq, out var now) || now != id)
            {
                violations.Add($"seq {seq} held {id} when read back before; now it holds {(bySeq.ContainsKey(seq) ? now.ToString() : "nothing")}");
            }
        }

        // Seqs are numbered 1, 2, 3, … per stream (docs/protocol.md §10.2), across crashes too.
        var missing = Enumerable.Range(1, (int)lastSeq).Where(seq => !bySeq.ContainsKey(seq)).Take(10).ToList();
        if (missing.Count > 0 || bySeq.Keys.Any(seq => seq > lastSeq))
        {
            violations.Add($"the stream's seqs are not exactly 1…{lastSeq}: missing {string.Join(", ", missing)}; above: {string.Join(", ", bySeq.Keys.Where(seq => seq > lastSeq).Take(10))}");
        }

        if (report.LastSeq != lastSeq || report.Messages != bySeq.Count)
        {
            violations.Add($"control.streams reports last_seq {report.LastSeq} and {report.Messages} messages; read back: last seq {lastSeq}, {bySeq.Count} messages");
        }

        foreach (var (seq, id) in bySeq)
        {
            _readBefore[seq] = id;
        }
    }
}
