using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Writes envelopes as one compact JSON line. Responses always carry the seven fields of
/// docs/protocol.md §3 in their fixed order, with <c>null</c> where empty; requests carry the four
/// request fields and leave out an absent <c>run_id</c>.
/// </summary>
/// <remarks>
/// Every reply goes through here, so a line is written straight to UTF-8 from precomputed field names
/// and <see cref="JsonEscaping"/>'s one-pass escaping: no JSON writer, no text writer, nothing allocated.
/// </remarks>
internal static class EnvelopeEncoder
{
    /// <summary>Everything in a response line besides its string values (names, quotes, punctuation, <c>ok</c>, the newline), rounded up.</summary>
    private const int FramingBytes = 256;

    private static readonly byte[] SchemaVersionName = Name(EnvelopeFields.SchemaVersion, first: true);
    private static readonly byte[] MessageTypeName = Name(EnvelopeFields.MessageType);

    /// <summary>Declared after the two names it is made of (static fields are set in order).</summary>
    private static readonly byte[] ResponseHead = JsonEscaping.Bytes(target =>
    {
        JsonEscaping.WriteRaw(target, SchemaVersionName);
        JsonEscaping.WriteQuoted(target, IpcSchema.Version);
        JsonEscaping.WriteRaw(target, MessageTypeName);
    });

    private static readonly byte[] RunIdName = Name(EnvelopeFields.RunId);
    private static readonly byte[] PayloadJsonName = Name(EnvelopeFields.PayloadJson);
    private static readonly byte[] OkTrue = [.. Name(EnvelopeFields.Ok), .. "true"u8];
    private static readonly byte[] OkFalse = [.. Name(EnvelopeFields.Ok), .. "false"u8];
    private static readonly byte[] ErrorName = Name(EnvelopeFields.Error);
    private static readonly byte[] ErrorCodeName = Name(EnvelopeFields.ErrorCode);

    /// <summary>A success's tail, <c>ok</c> true and both errors null: the same bytes on almost every reply.</summary>
    private static readonly byte[] SuccessTail = JsonEscaping.Bytes(target => WriteFields(target, ok: true, error: null, errorCode: null));

    /// <summary>Payloads up to this length may be kept escaped for the next reply that carries the same string.</summary>
    private const int KeptPayloadChars = 64;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_bytes;

    /// <summary>A response's head (everything before the <c>run_id</c> value) per message type, for up to <see cref="MaxKeptHeads"/> types.</summary>
    private static readonly ConcurrentDictionary<string, byte[]> Heads = new(StringComparer.Ordinal);

    /// <summary>
    /// The host answers a few dozen message types; an error reply may name a type a client made up,
    /// so past this many the head is made each time rather than kept.
    /// </summary>
    private const int MaxKeptHeads = 256;

    /// <summary>This thread's last short payload string and, once it came twice in a row, its quoted, escaped bytes.</summary>
    [ThreadStatic]
    private static (string Payload, byte[]? Bytes)? t_payload;

    [ThreadStatic]
    private static ByteCounter? t_counter;

    /// <summary>The most room one request to a target asks for; reserve this much beyond a line's exact size.</summary>
    public static int MaxRequestBytes => JsonEscaping.MaxRequestBytes;

    public static byte[] Encode(IpcResponse response) => ToArray(response, static (target, response) => Encode(response, target));

    /// <summary>Writes the response line, <c>\n</c> included, straight into <paramref name="target"/>.</summary>
    public static void Encode(IpcResponse response, IBufferWriter<byte> target)
    {
        WriteHead(target, response.MessageType, response.RunId);
        WritePayload(target, response.PayloadJson);
        WriteTail(target, response.Ok, response.Error, response.ErrorCode);
    }

    /// <summary>A response line up to its <c>payload_json</c> value: schema, type, <c>run_id</c> and the payload's name.</summary>
    /// <remarks>The part before <c>run_id</c>'s value depends on the message type only: it is made once per type.</remarks>
    public static void WriteHead(IBufferWriter<byte> target, string messageType, string? runId)
    {
        if (!Heads.TryGetValue(messageType, out var head))
        {
            head = JsonEscaping.Bytes(bytes =>
            {
                JsonEscaping.WriteRaw(bytes, ResponseHead);
                JsonEscaping.WriteQuoted(bytes, messageType);
                JsonEscaping.WriteRaw(bytes, RunIdName);
            });
            if (Heads.Count < MaxKeptHeads)
            {
                Heads.TryAdd(messageType, head);
            }
        }

        JsonEscaping.WriteRaw(target, head);
        JsonEscaping.WriteQuoted(target, runId);
        JsonEscaping.WriteRaw(target, PayloadJsonName);
    }

    /// <summary>
    /// The <c>payload_json</c> value. Handlers and the broker answer with payload strings made once
    /// (<c>{}</c>, a pong, a publish ack for one match): a short one is kept escaped per thread and
    /// copied while the next reply carries the same string.
    /// </summary>
    private static void WritePayload(IBufferWriter<byte> target, string payload)
    {
        if (t_payload is { } kept && ReferenceEquals(kept.Payload, payload))
        {
            var bytes = kept.Bytes ?? JsonEscaping.Bytes(bytes => JsonEscaping.WriteQuoted(bytes, payload));
            t_payload = (payload, bytes);
            JsonEscaping.WriteRaw(target, bytes);
            return;
        }

        // Kept only once seen twice in a row, so payloads made per reply cost no extra copy.
        t_payload = payload.Length <= KeptPayloadChars ? (payload, null) : null;
        JsonEscaping.WriteQuoted(target, payload);
    }

    /// <summary>A response line after its <c>payload_json</c> value: <c>ok</c>, <c>error</c>, <c>error_code</c> and the newline.</summary>
    public static void WriteTail(IBufferWriter<byte> target, bool ok, string? error, string? errorCode)
    {
        if (ok && error is null && errorCode is null)
        {
            JsonEscaping.WriteRaw(target, SuccessTail);
            return;
        }

        WriteFields(target, ok, error, errorCode);
    }

    /// <summary>The tail written field by field; <see cref="SuccessTail"/> is made with it.</summary>
    private static void WriteFields(IBufferWriter<byte> target, bool ok, string? error, string? errorCode)
    {
        JsonEscaping.WriteRaw(target, ok ? OkTrue : OkFalse);
        JsonEscaping.WriteRaw(target, ErrorName);
        JsonEscaping.WriteQuoted(target, error);
        JsonEscaping.WriteRaw(target, ErrorCodeName);
        JsonEscaping.WriteQuoted(target, errorCode);
        JsonEscaping.WriteRaw(target, "}\n"u8);
    }

    public static byte[] Encode(IpcRequest request, string schemaVersion = IpcSchema.Version) =>
        ToArray((request, schemaVersion), static (target, line) =>
        {
            var (request, schemaVersion) = line;
            JsonEscaping.WriteRaw(target, SchemaVersionName);
            JsonEscaping.WriteQuoted(target, schemaVersion);
            JsonEscaping.WriteRaw(target, MessageTypeName);
            JsonEscaping.WriteQuoted(target, request.MessageType);
            if (request.RunId is not null)
            {
                JsonEscaping.WriteRaw(target, RunIdName);
                JsonEscaping.WriteQuoted(target, request.RunId);
            }

            JsonEscaping.WriteRaw(target, PayloadJsonName);
            JsonEscaping.WriteQuoted(target, request.PayloadJson);
            JsonEscaping.WriteRaw(target, "}\n"u8);
        });

    /// <summary>An upper bound on the response line's length, from its string lengths alone: nothing is encoded.</summary>
    public static long MaxBytes(IpcResponse response) =>
        FramingBytes + JsonEscaping.MaxBytesPerChar * ((long)response.MessageType.Length + Length(response.RunId) + Length(response.PayloadJson)
            + Length(response.Error) + Length(response.ErrorCode));

    /// <summary>The exact length of the response line, found by encoding it into a counter that keeps no bytes.</summary>
    public static long CountBytes(IpcResponse response)
    {
        var counter = t_counter ??= new ByteCounter();
        counter.Reset();
        Encode(response, counter);
        return counter.Count;
    }

    private static int Length(string? value) => value?.Length ?? 0;

    /// <summary>A field's name with its quotes, colon, and the comma before it unless it comes first.</summary>
    private static byte[] Name(string name, bool first = false) => Encoding.UTF8.GetBytes((first ? "{\"" : ",\"") + name + "\":");

    private static byte[] ToArray<TLine>(TLine line, Action<IBufferWriter<byte>, TLine> write)
    {
        write(ScratchBytes.Start(ref t_bytes), line);
        return ScratchBytes.Finish(ref t_bytes);
    }
}
