using Newtonsoft.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Writes envelopes as one compact JSON line. Responses always carry the seven fields of
/// protocol.md §4 in their fixed order, with <c>null</c> where empty; requests carry the four
/// request fields and leave out an absent <c>run_id</c>.
/// </summary>
internal static class EnvelopeEncoder
{
    /// <summary>One reusable writer per thread: the encoder is static and called from any actor's thread.</summary>
    [ThreadStatic]
    private static Utf8LineWriter? t_line;

    public static byte[] Encode(IpcResponse response) => ToLine(writer =>
    {
        Field(writer, "schema_version", IpcSchema.Version);
        Field(writer, "message_type", response.MessageType);
        Field(writer, "run_id", response.RunId);
        Field(writer, "payload_json", response.PayloadJson);
        writer.WritePropertyName("ok");
        writer.WriteValue(response.Ok);
        Field(writer, "error", response.Error);
        Field(writer, "error_code", response.ErrorCode);
    });

    public static byte[] Encode(IpcRequest request, string schemaVersion = IpcSchema.Version) => ToLine(writer =>
    {
        Field(writer, "schema_version", schemaVersion);
        Field(writer, "message_type", request.MessageType);
        if (request.RunId is not null)
        {
            Field(writer, "run_id", request.RunId);
        }

        Field(writer, "payload_json", request.PayloadJson);
    });

    /// <summary>A string field; a null value is written as JSON <c>null</c>, never left out.</summary>
    private static void Field(JsonTextWriter writer, string name, string? value)
    {
        writer.WritePropertyName(name);
        writer.WriteValue(value);
    }

    private static byte[] ToLine(Action<JsonTextWriter> writeFields)
    {
        // Straight to UTF-8: a StringWriter would build the line as a string first and copy it again.
        var text = t_line ??= new Utf8LineWriter();
        text.Clear();
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false })
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        }

        text.Write('\n');
        return text.TakeBytes();
    }
}
