namespace OpsClaw.Actors.Streams;

/// <summary>
/// What streams write to the journal and the snapshot store. Every type here is written by
/// <see cref="StreamRecordSerializer"/> in a fixed binary layout, never by a general-purpose
/// serializer, so a stored record can neither name a type to load nor change shape with a refactor.
/// </summary>
internal interface IStreamRecord;

/// <summary>One message stored in a stream; its journal sequence number is its <c>seq</c>.</summary>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Body">The body as compact JSON text.</param>
/// <param name="Key">The key, or null.</param>
/// <param name="RunId">The publisher's <c>run_id</c>, or null.</param>
/// <param name="StoredAt">When the stream stored it, in UTC ticks (for <c>max-age</c>).</param>
internal sealed record StoredMessage(string Topic, string Body, string? Key, string? RunId, long StoredAt) : IStreamRecord
{
    /// <summary>Its size as retention counts it: topic, body and key in UTF-8 bytes.</summary>
    public long Size => System.Text.Encoding.UTF8.GetByteCount(Topic) + System.Text.Encoding.UTF8.GetByteCount(Body)
        + (Key is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(Key));
}

/// <summary>A stream's retention state, so recovery reads it instead of replaying every message.</summary>
/// <param name="FirstSeq">The oldest retained sequence number.</param>
/// <param name="Blocks">The retained messages summed per block (RetentionIndex).</param>
internal sealed record StreamSnapshot(long FirstSeq, RetentionBlock[] Blocks) : IStreamRecord;

/// <summary>Messages <c>[FirstSeq, LastSeq]</c> of a stream summed up: their bytes and the newest one's time.</summary>
internal readonly record struct RetentionBlock(long FirstSeq, long LastSeq, long Bytes, long NewestAt);

/// <summary>A durable consumer was made, with the pattern that filters its stream and where it starts.</summary>
/// <param name="Topic">Its filter pattern.</param>
/// <param name="AckedSeq">Every message up to this sequence number counts as acknowledged from the start.</param>
internal sealed record ConsumerCreated(string Topic, long AckedSeq) : IStreamRecord;

/// <summary>Acknowledgements a durable consumer stored: the sequence numbers acked, and its floor after them.</summary>
/// <param name="Seqs">The sequence numbers acknowledged by this write.</param>
/// <param name="AckedSeq">Every message up to this one is acknowledged or was never for this consumer.</param>
internal sealed record ConsumerAcked(long[] Seqs, long AckedSeq) : IStreamRecord;

/// <summary>A durable consumer's whole position, so recovery does not replay every ack.</summary>
/// <param name="Topic">Its filter pattern.</param>
/// <param name="AckedSeq">Its floor.</param>
/// <param name="AckedAbove">Sequence numbers above the floor already acknowledged.</param>
internal sealed record ConsumerSnapshot(string Topic, long AckedSeq, long[] AckedAbove) : IStreamRecord;
