using System.Buffers;
using System.Text;
using Newtonsoft.Json;

namespace OpsClaw.Bench;

/// <summary>
/// The raw-json baseline's handling of one line: Newtonsoft.Json reads the envelope and checks that
/// payload_json is JSON, then writes the seven-field reply straight into the output as UTF-8. It
/// does what the host must do for a ping, done the fast way with this library: a token reader over
/// pooled chars (no line string), interned field names, no intermediate reply string. One instance
/// per connection, used by one task at a time.
/// </summary>
internal sealed class RawJsonResponder : ILineResponder
{
    private const string SchemaVersion = "opsclaw.ipc.v1alpha1";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly CharSpanReader _lineReader = new();
    private readonly Utf8TextWriter _replyWriter = new();

    public void Respond(ReadOnlySpan<byte> line, ReplyBuffer output)
    {
        var chars = ArrayPool<char>.Shared.Rent(line.Length);
        Reply reply;
        try
        {
            reply = Handle(line, chars);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        Write(reply, output);
    }

    private Reply Handle(ReadOnlySpan<byte> line, char[] chars)
    {
        int length;
        try
        {
            length = StrictUtf8.GetChars(line, chars);
        }
        catch (DecoderFallbackException)
        {
            return Reply.Failure("malformed_json", "invalid ipc json line: line is not valid UTF-8", null);
        }

        _lineReader.Reset(chars, length);
        var envelope = new Envelope();
        try
        {
            using var reader = BaselineJson.Reader(_lineReader);
            if (!reader.Read() || reader.TokenType != JsonToken.StartObject)
            {
                return Reply.Failure("malformed_json", "invalid ipc json line: a request must be a JSON object", null);
            }

            while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
            {
                var field = (string)reader.Value!;
                reader.Read();
                envelope.Take(field, reader);
                reader.Skip();
            }

            if (reader.Read())
            {
                return Reply.Failure("malformed_json", "invalid ipc json line: text after the object", null);
            }
        }
        catch (JsonReaderException ex)
        {
            return Reply.Failure("malformed_json", "invalid ipc json line: " + ex.Message, null);
        }

        return envelope.Answer();
    }

    private void Write(Reply reply, ReplyBuffer output)
    {
        _replyWriter.Target = output;
        using (var writer = BaselineJson.Writer(_replyWriter))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("schema_version");
            writer.WriteValue(SchemaVersion);
            writer.WritePropertyName("message_type");
            writer.WriteValue(reply.MessageType);
            writer.WritePropertyName("run_id");
            writer.WriteValue(reply.RunId);
            writer.WritePropertyName("payload_json");
            writer.WriteValue(reply.PayloadJson);
            writer.WritePropertyName("ok");
            writer.WriteValue(reply.Ok);
            writer.WritePropertyName("error");
            writer.WriteValue(reply.Error);
            writer.WritePropertyName("error_code");
            writer.WriteValue(reply.ErrorCode);
            writer.WriteEndObject();
        }

        _replyWriter.Write('\n');
        _replyWriter.Target = null;
    }

    private readonly record struct Reply(string MessageType, string? RunId, string PayloadJson, bool Ok, string? Error, string? ErrorCode)
    {
        public static Reply Pong(string? runId) => new("runtime.pong", runId, "{\"status\":\"ok\"}", true, null, null);

        public static Reply Failure(string code, string error, string? runId) => new("error", runId, "{}", false, error, code);
    }

    /// <summary>The request fields as read; a field of the wrong JSON type is remembered as invalid.</summary>
    private struct Envelope
    {
        private string? _schemaVersion;
        private string? _messageType;
        private string? _runId;
        private string? _payloadJson;
        private string? _invalidField;

        public void Take(string field, JsonReader reader)
        {
            var text = reader.TokenType == JsonToken.String ? (string)reader.Value! : null;
            switch (field)
            {
                case "schema_version":
                    _schemaVersion = text ?? Invalid(field);
                    break;
                case "message_type":
                    _messageType = text ?? Invalid(field);
                    break;
                case "run_id":
                    _runId = text;
                    if (text is null && reader.TokenType != JsonToken.Null)
                    {
                        Invalid(field);
                    }

                    break;
                case "payload_json":
                    _payloadJson = text ?? Invalid(field);
                    break;
            }
        }

        public readonly Reply Answer()
        {
            if (_invalidField is not null || _schemaVersion is null || _messageType is null || _payloadJson is null)
            {
                return Reply.Failure("invalid_envelope", "invalid ipc envelope: missing or mistyped field", _runId);
            }

            if (!BaselineJson.IsJson(_payloadJson))
            {
                return Reply.Failure("invalid_envelope", "invalid ipc envelope: payload_json is not JSON", _runId);
            }

            if (_schemaVersion != SchemaVersion)
            {
                return Reply.Failure("invalid_schema_version", $"invalid schema_version '{_schemaVersion}', expected '{SchemaVersion}'", _runId);
            }

            return _messageType == "runtime.ping"
                ? Reply.Pong(_runId)
                : Reply.Failure("unsupported_message_type", $"unsupported runtime message_type '{_messageType}'", _runId);
        }

        private string? Invalid(string field)
        {
            _invalidField = field;
            return null;
        }
    }
}
