using System.Text.Json;
using System.Text.Unicode;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Turns one request line into an <see cref="IpcRequest"/> or the error that answers it, running the
/// checks in the order of docs/protocol.md §4: UTF-8 and JSON syntax (malformed_json), then the
/// envelope fields (invalid_envelope), then the schema version.
/// </summary>
/// <remarks>
/// The line is read with the BCL's strict UTF-8 JSON reader rather than Newtonsoft's, which accepts
/// comments, single quotes, NaN and unquoted names; the wire contract is strict JSON (RFC 8259, docs/protocol.md §2),
/// and this reader checks it on the bytes without first building a string of the whole line.
/// </remarks>
internal sealed class RequestDecoder
{
    private const string SchemaVersionField = "schema_version";
    private const string MessageTypeField = "message_type";
    private const string RunIdField = "run_id";
    private const string PayloadJsonField = "payload_json";

    private readonly JsonReaderOptions _readerOptions;

    public RequestDecoder(int maxJsonDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJsonDepth, 1);
        _readerOptions = new JsonReaderOptions
        {
            MaxDepth = maxJsonDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
    }

    public DecodeResult Decode(ReadOnlySpan<byte> line)
    {
        if (!Utf8.IsValid(line))
        {
            return DecodeResult.Rejected(IpcErrors.MalformedJson("line is not valid UTF-8"));
        }

        var fields = new EnvelopeFields();
        try
        {
            var reader = new Utf8JsonReader(line, _readerOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return DecodeResult.Rejected(IpcErrors.MalformedJson("a request must be a JSON object"));
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Identify(ref reader);
                reader.Read();
                fields.Take(field, ref reader, this);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            // Anything after the closing brace other than whitespace makes the reader throw here.
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            return DecodeResult.Rejected(IpcErrors.MalformedJson(Describe(ex)));
        }

        return fields.ToResult();
    }

    private static Field Identify(ref Utf8JsonReader reader)
    {
        try
        {
            return IdentifyName(ref reader);
        }
        catch (InvalidOperationException)
        {
            // A name escaping a lone surrogate (\uD800) is valid JSON syntax but cannot be unescaped to
            // compare; it can never equal one of the ASCII field names, so it is just an unknown field.
            return Field.Other;
        }
    }

    private static Field IdentifyName(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("schema_version"u8))
        {
            return Field.SchemaVersion;
        }

        if (reader.ValueTextEquals("message_type"u8))
        {
            return Field.MessageType;
        }

        if (reader.ValueTextEquals("run_id"u8))
        {
            return Field.RunId;
        }

        return reader.ValueTextEquals("payload_json"u8) ? Field.PayloadJson : Field.Other;
    }

    /// <summary>The reader's own message without the line/position suffix, which is always line 0 here.</summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = suffix < 0 ? message : message[..suffix];
        return ex.BytePositionInLine is { } position ? $"{text.TrimEnd()} (at byte {position})" : text.TrimEnd();
    }

    /// <summary>Checks that the text of <c>payload_json</c> is one JSON value within the depth limit.</summary>
    private string? CheckPayloadJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, _readerOptions);
            if (!reader.Read())
            {
                return "field 'payload_json' is not valid JSON: it is empty";
            }

            reader.Skip();
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"field 'payload_json' is not valid JSON: {Describe(ex)}";
        }
    }

    private enum Field
    {
        Other,
        SchemaVersion,
        MessageType,
        RunId,
        PayloadJson,
    }

    /// <summary>
    /// Collects the four known fields during the single pass. Problems are recorded, not returned
    /// at once, because a syntax error later in the line still has to win (malformed_json comes first).
    /// </summary>
    private struct EnvelopeFields
    {
        private string? _schemaVersion;
        private string? _messageType;
        private string? _runId;
        private string? _payloadJson;
        private string? _schemaVersionProblem;
        private string? _messageTypeProblem;
        private string? _runIdProblem;
        private string? _payloadJsonProblem;
        private int _seenMask;

        public void Take(Field field, ref Utf8JsonReader reader, RequestDecoder decoder)
        {
            if (field == Field.Other)
            {
                return;
            }

            var bit = 1 << (int)field;
            if ((_seenMask & bit) != 0)
            {
                SetProblem(field, $"field '{Name(field)}' appears more than once");
                ClearValue(field);
                return;
            }

            _seenMask |= bit;
            switch (field)
            {
                case Field.SchemaVersion:
                    _schemaVersion = ReadString(ref reader, field, out _schemaVersionProblem);
                    break;
                case Field.MessageType:
                    _messageType = ReadString(ref reader, field, out _messageTypeProblem);
                    break;
                case Field.RunId:
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        _runId = null;
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        _runId = ReadString(ref reader, field, out _runIdProblem);
                    }
                    else
                    {
                        _runIdProblem = "field 'run_id' must be a string or null";
                    }

                    break;
                case Field.PayloadJson:
                    _payloadJson = ReadString(ref reader, field, out _payloadJsonProblem);
                    if (_payloadJson is not null)
                    {
                        _payloadJsonProblem = CheckPayload(ref reader, decoder);
                    }

                    break;
            }
        }

        public readonly DecodeResult ToResult()
        {
            var runId = _runIdProblem is null ? _runId : null;
            var problem =
                Missing(Field.SchemaVersion, _schemaVersion, _schemaVersionProblem)
                ?? Missing(Field.MessageType, _messageType, _messageTypeProblem)
                ?? _runIdProblem
                ?? Missing(Field.PayloadJson, _payloadJson, _payloadJsonProblem);
            if (problem is not null)
            {
                return DecodeResult.Rejected(IpcErrors.InvalidEnvelope(problem, runId));
            }

            if (!string.Equals(_schemaVersion, IpcSchema.Version, StringComparison.Ordinal))
            {
                return DecodeResult.Rejected(IpcErrors.InvalidSchemaVersion(_schemaVersion!, runId));
            }

            return DecodeResult.Accepted(new IpcRequest(_messageType!, runId, _payloadJson!));
        }

        private readonly string? Missing(Field field, string? value, string? problem) =>
            problem ?? (value is null ? $"missing required field '{Name(field)}'" : null);

        private static string? ReadString(ref Utf8JsonReader reader, Field field, out string? problem)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                problem = $"field '{Name(field)}' must be a string";
                return null;
            }

            try
            {
                problem = null;
                return reader.GetString();
            }
            catch (InvalidOperationException)
            {
                // A \uD800-style escape with no partner: valid JSON syntax, but not text we can carry.
                problem = $"field '{Name(field)}' is not valid Unicode text";
                return null;
            }
        }

        private static string? CheckPayload(ref Utf8JsonReader reader, RequestDecoder decoder)
        {
            if (!reader.ValueIsEscaped)
            {
                return decoder.CheckPayloadJson(reader.ValueSpan);
            }

            var rented = ByteBuffers.Rent(reader.ValueSpan.Length);
            try
            {
                var length = reader.CopyString(rented);
                return decoder.CheckPayloadJson(rented.AsSpan(0, length));
            }
            finally
            {
                ByteBuffers.Return(rented);
            }
        }

        private void SetProblem(Field field, string problem)
        {
            switch (field)
            {
                case Field.SchemaVersion: _schemaVersionProblem = problem; break;
                case Field.MessageType: _messageTypeProblem = problem; break;
                case Field.RunId: _runIdProblem = problem; break;
                case Field.PayloadJson: _payloadJsonProblem = problem; break;
            }
        }

        private void ClearValue(Field field)
        {
            switch (field)
            {
                case Field.SchemaVersion: _schemaVersion = null; break;
                case Field.MessageType: _messageType = null; break;
                case Field.RunId: _runId = null; break;
                case Field.PayloadJson: _payloadJson = null; break;
            }
        }

        private static string Name(Field field) => field switch
        {
            Field.SchemaVersion => SchemaVersionField,
            Field.MessageType => MessageTypeField,
            Field.RunId => RunIdField,
            Field.PayloadJson => PayloadJsonField,
            _ => "?",
        };
    }
}
