using System.Runtime.CompilerServices;
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
    /// <summary>Where a name matched no known field: the member is skipped.</summary>
    private const int OtherField = -1;

    // The rows of Fields, by index: ToResult reads these slots by name.
    private const int SchemaVersionField = 0;
    private const int MessageTypeField = 1;
    private const int RunIdField = 2;
    private const int PayloadJsonField = 3;
    private const int FieldCount = 4;

    /// <summary>
    /// The request's known fields, one row each: how a name is recognised, what value it takes and
    /// what each problem says. The order of the rows is the order their problems are reported in
    /// (docs/protocol.md §4), and the row's index is the field's slot in <see cref="FieldValues"/>.
    /// </summary>
    private static readonly FieldRule[] Fields = new FieldRule[FieldCount]
    {
        new(EnvelopeFields.SchemaVersion, EnvelopeFields.SchemaVersionUtf8, FieldKind.Text),
        new(EnvelopeFields.MessageType, EnvelopeFields.MessageTypeUtf8, FieldKind.Text),
        new(EnvelopeFields.RunId, EnvelopeFields.RunIdUtf8, FieldKind.OptionalTextOrNull),
        new(EnvelopeFields.PayloadJson, EnvelopeFields.PayloadJsonUtf8, FieldKind.JsonText),
    };

    private readonly JsonReaderOptions _readerOptions;

    private readonly bool _plainFirst;

    public RequestDecoder(int maxJsonDepth)
        : this(maxJsonDepth, plainFirst: true)
    {
    }

    /// <summary>A decoder that reads every line through the full path when <paramref name="plainFirst"/> is false (for specs that compare the two).</summary>
    internal RequestDecoder(int maxJsonDepth, bool plainFirst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJsonDepth, 1);
        _plainFirst = plainFirst;
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

        if (_plainFirst && PlainRequestReader.TryRead(line, _readerOptions.MaxDepth) is { } plain)
        {
            return DecodeResult.Accepted(plain);
        }

        var fields = new FieldValues();
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
                if (field != OtherField)
                {
                    fields.Take(field, ref reader, this);
                }

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

    /// <summary>The row of <see cref="Fields"/> whose name the current property name is, or <see cref="OtherField"/>.</summary>
    private static int Identify(ref Utf8JsonReader reader)
    {
        try
        {
            for (var field = 0; field < Fields.Length; field++)
            {
                if (reader.ValueTextEquals(Fields[field].Utf8Name))
                {
                    return field;
                }
            }

            return OtherField;
        }
        catch (InvalidOperationException)
        {
            // A name escaping a lone surrogate (\uD800) is valid JSON syntax but cannot be unescaped to
            // compare; it can never equal one of the ASCII field names, so it is just an unknown field.
            return OtherField;
        }
    }

    /// <summary>The reader's own message without the line/position suffix, which is always line 0 here.</summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = suffix < 0 ? message : message[..suffix];
        return ex.BytePositionInLine is { } position ? $"{text.TrimEnd()} (at byte {position})" : text.TrimEnd();
    }

    /// <summary>
    /// Checks that the text of <c>payload_json</c> is one JSON value within the depth limit, noting on
    /// the way where an object's top-level members are (<see cref="PayloadMember"/>).
    /// </summary>
    /// <remarks>
    /// <see cref="JsonValueCheck"/> vouches for nearly every payload and notes its members; the reader
    /// runs only for what it declines, to say what is wrong (or to accept a payload nested deeper than
    /// the check follows, which then carries no members).
    /// </remarks>
    private string? CheckPayloadJson(ReadOnlySpan<byte> payload, out PayloadMember[]? members)
    {
        if (JsonValueCheck.TryCheck(payload, _readerOptions.MaxDepth, out members))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, _readerOptions);
            if (!reader.Read())
            {
                return $"field '{EnvelopeFields.PayloadJson}' is not valid JSON: it is empty";
            }

            reader.Skip();
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"field '{EnvelopeFields.PayloadJson}' is not valid JSON: {Describe(ex)}";
        }
    }

    /// <summary>What value a field takes.</summary>
    private enum FieldKind
    {
        /// <summary>A required string.</summary>
        Text,

        /// <summary>A string or null, which may be left out (<c>run_id</c>).</summary>
        OptionalTextOrNull,

        /// <summary>A required string holding one JSON value within the depth limit (<c>payload_json</c>).</summary>
        JsonText,
    }

    /// <summary>One row of <see cref="Fields"/>: a known field's name, its kind and its problem texts, made once.</summary>
    private sealed class FieldRule
    {
        public FieldRule(string name, ReadOnlySpan<byte> utf8Name, FieldKind kind)
        {
            // A span cannot be kept in a field; the bytes are copied once, when the table is built.
            Utf8Name = utf8Name.ToArray();
            Kind = kind;
            Required = kind != FieldKind.OptionalTextOrNull;
            Missing = $"missing required field '{name}'";
            Duplicate = $"field '{name}' appears more than once";
            WrongType = kind == FieldKind.OptionalTextOrNull ? $"field '{name}' must be a string or null" : $"field '{name}' must be a string";
            NotText = $"field '{name}' is not valid Unicode text";
        }

        public byte[] Utf8Name { get; }

        public FieldKind Kind { get; }

        /// <summary>Whether leaving the field out is a problem.</summary>
        public bool Required { get; }

        public string Missing { get; }

        public string Duplicate { get; }

        public string WrongType { get; }

        public string NotText { get; }

        /// <summary>Reads the field's value at the reader, or says what is wrong with it.</summary>
        public string? Read(ref Utf8JsonReader reader, out string? problem)
        {
            problem = null;
            if (reader.TokenType == JsonTokenType.Null && Kind == FieldKind.OptionalTextOrNull)
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                problem = WrongType;
                return null;
            }

            string? value;
            try
            {
                value = reader.GetString();
            }
            catch (InvalidOperationException)
            {
                // A \uD800-style escape with no partner: valid JSON syntax, but not text we can carry.
                problem = NotText;
                return null;
            }

            return value;
        }

        /// <summary>
        /// Reads <c>payload_json</c> at the reader: its text unescaped once, to UTF-8, and checked to be
        /// one JSON value; the request keeps those bytes (null with a problem when it is not a string or not text).
        /// </summary>
        public byte[]? ReadJson(ref Utf8JsonReader reader, RequestDecoder decoder, out PayloadMember[]? members, out string? problem)
        {
            problem = null;
            members = null;
            if (reader.TokenType != JsonTokenType.String)
            {
                problem = WrongType;
                return null;
            }

            byte[] payload;
            if (!reader.ValueIsEscaped)
            {
                payload = reader.ValueSpan.ToArray();
            }
            else
            {
                var rented = ByteBuffers.Rent(reader.ValueSpan.Length);
                try
                {
                    payload = rented.AsSpan(0, reader.CopyString(rented)).ToArray();
                }
                catch (InvalidOperationException)
                {
                    problem = NotText;
                    return null;
                }
                finally
                {
                    ByteBuffers.Return(rented);
                }
            }

            problem = decoder.CheckPayloadJson(payload, out members);
            return payload;
        }
    }

    /// <summary>One string per row of <see cref="Fields"/>, held inline so collecting a request allocates nothing.</summary>
    [InlineArray(FieldCount)]
    private struct FieldSlots
    {
        private string? _first;
    }

    /// <summary>
    /// Collects the known fields during the single pass. Problems are recorded, not returned
    /// at once, because a syntax error later in the line still has to win (malformed_json comes first).
    /// </summary>
    private struct FieldValues
    {
        private FieldSlots _values;
        private FieldSlots _problems;
        private byte[]? _payload;
        private PayloadMember[]? _members;
        private int _seenMask;

        public void Take(int field, ref Utf8JsonReader reader, RequestDecoder decoder)
        {
            var rule = Fields[field];
            var bit = 1 << field;
            if ((_seenMask & bit) != 0)
            {
                _problems[field] = rule.Duplicate;
                _values[field] = null;
                return;
            }

            _seenMask |= bit;
            if (rule.Kind == FieldKind.JsonText)
            {
                _payload = rule.ReadJson(ref reader, decoder, out _members, out _problems[field]);
            }
            else
            {
                _values[field] = Known(field, ref reader) ?? rule.Read(ref reader, out _problems[field]);
                if (field == MessageTypeField && _values[field] is { } type)
                {
                    RecentMessageType.Remember(type);
                }
            }
        }

        /// <summary>
        /// The string for a value every line repeats, without making a new one: the schema version, and
        /// the message type this thread read last (a client mostly sends one type over and over).
        /// </summary>
        private static string? Known(int field, ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return null;
            }

            try
            {
                return field switch
                {
                    SchemaVersionField when reader.ValueTextEquals(IpcSchema.VersionUtf8) => IpcSchema.Version,
                    MessageTypeField => RecentMessageType.Match(ref reader),
                    _ => null,
                };
            }
            catch (InvalidOperationException)
            {
                // A value escaping a lone surrogate cannot be compared; reading it reports the problem.
                return null;
            }
        }

        /// <summary>Whether the field has no value (<c>payload_json</c>'s is kept as bytes, not in a slot).</summary>
        private readonly bool IsMissing(int field) => field == PayloadJsonField ? _payload is null : _values[field] is null;

        public readonly DecodeResult ToResult()
        {
            var runId = _problems[RunIdField] is null ? _values[RunIdField] : null;
            string? problem = null;
            for (var field = 0; field < Fields.Length && problem is null; field++)
            {
                problem = _problems[field] ?? (Fields[field].Required && IsMissing(field) ? Fields[field].Missing : null);
            }

            if (problem is not null)
            {
                return DecodeResult.Rejected(IpcErrors.InvalidEnvelope(problem, runId));
            }

            var schemaVersion = _values[SchemaVersionField]!;
            if (!string.Equals(schemaVersion, IpcSchema.Version, StringComparison.Ordinal))
            {
                return DecodeResult.Rejected(IpcErrors.InvalidSchemaVersion(schemaVersion, runId));
            }

            return DecodeResult.Accepted(new IpcRequest(_values[MessageTypeField]!, runId, _payload!) { PayloadMembers = _members });
        }
    }
}
