using System.Buffers;
using Newtonsoft.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Writes envelopes as one compact JSON line. Responses always carry the seven fields of
/// docs/protocol.md §3 in their fixed order, with <c>null</c> where empty; requests carry the four
/// request fields and leave out an absent <c>run_id</c>.
/// </summary>
internal static class EnvelopeEncoder
{
    /// <summary>Everything in a response line besides its string values (names, quotes, punctuation, <c>ok</c>, the newline), rounded up.</summary>
    private const int FramingBytes = 256;

    /// <summary>A character of a string value becomes at most a six-byte <c>\u</c> escape (controls, DEL, C1); UTF-8 needs at most three.</summary>
    private const int MaxBytesPerChar = 6;

    /// <summary>An array grown past this by one huge line is dropped afterwards rather than kept for the thread's life.</summary>
    private const int RetainedBytes = 64 * 1024;

    /// <summary>One reusable writer per thread: the encoder is static and called from any actor's thread.</summary>
    [ThreadStatic]
    private static Utf8LineWriter? t_writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_bytes;

    [ThreadStatic]
    private static ByteCounter? t_counter;

    public static byte[] Encode(IpcResponse response) => ToArray(target => Encode(response, target));

    /// <summary>Writes the response line, <c>\n</c> included, straight into <paramref name="target"/>.</summary>
    /// <remarks>Every reply goes through here, so the fields are written by a static lambda: no closure per line.</remarks>
    public static void Encode(IpcResponse response, IBufferWriter<byte> target) =>
        WriteLine(target, response, static (writer, response) => WriteFields(writer, response));

    private static void WriteFields(JsonTextWriter writer, IpcResponse response)
    {
        Field(writer, EnvelopeFields.SchemaVersion, IpcSchema.Version);
        Field(writer, EnvelopeFields.MessageType, response.MessageType);
        Field(writer, EnvelopeFields.RunId, response.RunId);
        Field(writer, EnvelopeFields.PayloadJson, response.PayloadJson);
        writer.WritePropertyName(EnvelopeFields.Ok);
        writer.WriteValue(response.Ok);
        Field(writer, EnvelopeFields.Error, response.Error);
        Field(writer, EnvelopeFields.ErrorCode, response.ErrorCode);
    }

    public static byte[] Encode(IpcRequest request, string schemaVersion = IpcSchema.Version) => ToArray(target => WriteLine(target, request, (writer, request) =>
    {
        Field(writer, EnvelopeFields.SchemaVersion, schemaVersion);
        Field(writer, EnvelopeFields.MessageType, request.MessageType);
        if (request.RunId is not null)
        {
            Field(writer, EnvelopeFields.RunId, request.RunId);
        }

        Field(writer, EnvelopeFields.PayloadJson, request.PayloadJson);
    }));

    /// <summary>An upper bound on the response line's length, from its string lengths alone: nothing is encoded.</summary>
    public static long MaxBytes(IpcResponse response) =>
        FramingBytes + MaxBytesPerChar * ((long)response.MessageType.Length + Length(response.RunId) + response.PayloadJson.Length
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

    /// <summary>A string field; a null value is written as JSON <c>null</c>, never left out.</summary>
    private static void Field(JsonTextWriter writer, string name, string? value)
    {
        writer.WritePropertyName(name);
        writer.WriteValue(value);
    }

    private static void WriteLine<TEnvelope>(IBufferWriter<byte> target, TEnvelope envelope, Action<JsonTextWriter, TEnvelope> writeFields)
    {
        // Straight to UTF-8: a StringWriter would build the line as a string first and copy it again.
        var text = t_writer ??= new Utf8LineWriter();
        text.Start(target);
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false, ArrayPool = PooledChars.Instance })
        {
            writer.WriteStartObject();
            writeFields(writer, envelope);
            writer.WriteEndObject();
        }

        text.Write('\n');
        text.Finish();
    }

    private static byte[] ToArray(Action<IBufferWriter<byte>> writeLine)
    {
        var bytes = t_bytes ??= new ArrayBufferWriter<byte>(512);
        bytes.ResetWrittenCount();
        writeLine(bytes);
        var line = bytes.WrittenSpan.ToArray();
        if (bytes.Capacity > RetainedBytes)
        {
            t_bytes = null;
        }

        return line;
    }
}
