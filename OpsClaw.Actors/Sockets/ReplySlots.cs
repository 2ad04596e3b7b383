using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The reorder buffer of one connection: one slot per request line, in arrival order. Replies may
/// fill slots in any order; only a filled run at the head can be written, which keeps replies in
/// request order (docs/protocol.md §6). A reply stays an unencoded response until the connection's output
/// has room for its bytes, so replies the client is not reading are never held twice. Slots live in
/// a ring that grows only with the number of unanswered requests, which backpressure keeps near
/// max-in-flight.
/// </summary>
internal sealed class ReplySlots
{
    private const int InitialCapacity = 4;

    /// <summary>A ring grown past this by a burst is dropped once empty: idle connections keep only a few slots each.</summary>
    private const int RetainedCapacity = 64;

    /// <summary>Replies that may be longer than this are measured before they are encoded, so they are sized exactly.</summary>
    private const long MeasuredFromBytes = 64 * 1024;

    private Slot[] _ring = new Slot[InitialCapacity];
    private long _head;
    private long _tail;

    /// <summary>Lines received whose reply has not yet been handed to the socket.</summary>
    public int Count => (int)(_tail - _head);

    /// <summary>Sequence numbers below this have had their reply written to the output.</summary>
    public long Written => _head;

    /// <summary>Slots allocated, used or not.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Line bytes of the requests still in the slots, answered or not: what their decoded envelopes and replies stand for.</summary>
    public long RequestBytes { get; private set; }

    /// <summary>
    /// Opens a slot for a request of <paramref name="requestBytes"/> sent to the channel at
    /// <paramref name="startTimestamp"/> (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>);
    /// returns its sequence number.
    /// </summary>
    public long Open(string? runId, long deadline, long startTimestamp, int requestBytes) =>
        Add(new Slot(runId, deadline, startTimestamp, requestBytes, null));

    /// <summary>Opens a slot that is already answered (an error the connection produced itself).</summary>
    public long AddReady(IpcResponse reply, int requestBytes) => Add(new Slot(null, long.MaxValue, 0, requestBytes, reply));

    /// <summary>
    /// Fills an open slot and gives the time its request was sent; false when the slot is gone or
    /// already answered (a late or duplicate reply).
    /// </summary>
    public bool TryFill(long sequence, IpcResponse reply, out long startTimestamp)
    {
        startTimestamp = 0;
        if (sequence < _head || sequence >= _tail)
        {
            return false;
        }

        ref var slot = ref _ring[Index(sequence)];
        if (slot.Reply is not null)
        {
            return false;
        }

        slot.Reply = reply;
        startTimestamp = slot.StartTimestamp;
        return true;
    }

    /// <summary>
    /// Encodes the answered run at the head into <paramref name="output"/>, in order, while there is
    /// room: a reply goes when <paramref name="buffered"/> (every encoded byte the connection holds,
    /// <paramref name="output"/>'s included) plus the reply stays within <paramref name="limit"/>, or
    /// when nothing is buffered at all, so one reply longer than the limit still goes, alone. Returns
    /// how many replies moved.
    /// </summary>
    public int TakeReady(OutputBuffer output, long buffered, long limit)
    {
        var taken = 0;
        while (_head < _tail)
        {
            ref var slot = ref _ring[Index(_head)];
            if (slot.Reply is not { } reply || !Fits(ref slot, reply, buffered, limit))
            {
                break;
            }

            var before = output.Length;
            if (slot.EncodedBytes > 0)
            {
                output.Reserve(checked((int)slot.EncodedBytes + EnvelopeEncoder.MaxRequestBytes));
            }

            EnvelopeEncoder.Encode(reply, output);
            buffered += output.Length - before;
            RequestBytes -= slot.RequestBytes;
            slot = default;
            _head++;
            taken++;
        }

        if (_head == _tail && _ring.Length > RetainedCapacity)
        {
            // Nothing is owed, so no slot has a place to keep; a burst's 1024-slot ring would otherwise stay for good.
            _ring = new Slot[InitialCapacity];
        }

        return taken;
    }

    /// <summary>Answers every open slot whose deadline has passed; returns the earliest deadline still open, if any.</summary>
    public long? Expire(long now, Func<string?, IpcResponse> timeoutReply)
    {
        for (var sequence = _head; sequence < _tail; sequence++)
        {
            ref var slot = ref _ring[Index(sequence)];
            if (slot.Reply is not null)
            {
                continue;
            }

            // Every request gets the same timeout, so deadlines rise with the sequence number.
            if (slot.Deadline > now)
            {
                return slot.Deadline;
            }

            slot.Reply = timeoutReply(slot.RunId);
        }

        return null;
    }

    /// <summary>
    /// Small replies are judged by their upper bound, which costs nothing; a possibly large one is
    /// measured once (the figure kept in its slot) and so is judged, and sized, exactly.
    /// </summary>
    private static bool Fits(ref Slot slot, IpcResponse reply, long buffered, long limit)
    {
        if (slot.EncodedBytes == 0)
        {
            var bound = EnvelopeEncoder.MaxBytes(reply);
            if (bound <= MeasuredFromBytes)
            {
                return buffered == 0 || buffered + bound <= limit;
            }

            slot.EncodedBytes = EnvelopeEncoder.CountBytes(reply);
        }

        return buffered == 0 || buffered + slot.EncodedBytes <= limit;
    }

    private long Add(Slot slot)
    {
        if (Count == _ring.Length)
        {
            Grow();
        }

        _ring[Index(_tail)] = slot;
        RequestBytes += slot.RequestBytes;
        return _tail++;
    }

    private void Grow()
    {
        var grown = new Slot[_ring.Length * 2];
        for (var sequence = _head; sequence < _tail; sequence++)
        {
            grown[sequence % grown.Length] = _ring[Index(sequence)];
        }

        _ring = grown;
    }

    private int Index(long sequence) => (int)(sequence % _ring.Length);

    private struct Slot(string? runId, long deadline, long startTimestamp, int requestBytes, IpcResponse? reply)
    {
        public readonly string? RunId = runId;
        public readonly long Deadline = deadline;
        public readonly long StartTimestamp = startTimestamp;
        public readonly int RequestBytes = requestBytes;
        public IpcResponse? Reply = reply;

        /// <summary>The encoded reply's exact length once measured; 0 until then.</summary>
        public long EncodedBytes;
    }
}
