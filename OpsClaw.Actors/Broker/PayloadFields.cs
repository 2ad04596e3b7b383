using System.Globalization;
using System.Text;
using System.Text.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// The known top-level fields of one broker payload, read in a single pass with the strict UTF-8
/// reader the envelope decoder uses, then checked field by field in the caller's order, so the
/// first problem reported is the same whatever order the client wrote its fields in. Unknown fields
/// are skipped; a known one given twice is a problem (two JSON parsers could pick different values);
/// <c>null</c> for an optional field means the field is absent. One instance serves every payload
/// of its kind, read after read, so reading allocates only the values it keeps; it is not thread-safe.
/// </summary>
internal sealed class PayloadFields
{
    /// <summary>Values up to this length are quoted back in a problem; longer ones are only described.</summary>
    private const int EchoedChars = 64;

    private readonly FieldSpec[] _specs;
    private readonly Field[] _fields;

    /// <summary>A reader of <paramref name="specs"/>'s fields, used again for every payload of that kind (by one actor at a time).</summary>
    public PayloadFields(FieldSpec[] specs)
    {
        _specs = specs;
        _fields = new Field[specs.Length];
    }

    /// <summary>
    /// Reads the fields from a payload's UTF-8, forgetting the previous payload's, and returns this
    /// reader to ask them of; or null, saying why the payload is not an object to read them from.
    /// </summary>
    /// <remarks>
    /// With the <paramref name="members"/> the envelope decoder noted, each known member's value is
    /// read from its own bytes and the rest of the payload is not read again.
    /// </remarks>
    public PayloadFields? Read(ReadOnlySpan<byte> payloadUtf8, PayloadMember[]? members, JsonReaderOptions options, out string? problem)
    {
        Array.Clear(_fields);
        try
        {
            if (members is not null)
            {
                foreach (var member in members)
                {
                    if (Identify(member.Name(payloadUtf8)) is var field and >= 0)
                    {
                        TakeMember(ref _fields[field], _specs[field].Raw, member, payloadUtf8, options);
                    }
                }

                problem = null;
                return this;
            }

            problem = Scan(payloadUtf8, options);
            return problem is null ? this : null;
        }
        catch (JsonException ex)
        {
            // The envelope decoder has checked payload_json already; this guards callers that have not.
            problem = NotJson(ex);
            return null;
        }
    }

    /// <summary>The problem for a payload the reader refused, without the reader's line/position suffix (always line 0 here).</summary>
    public static string NotJson(JsonException ex) => "payload is not valid JSON: " + ex.Message.Split(" LineNumber:", 2)[0].TrimEnd();

    /// <summary>Whether the field was given with a value other than null.</summary>
    public bool IsGiven(int field) => _fields[field].Count > 0 && _fields[field].Token != JsonTokenType.Null;

    /// <summary>A string field: required (null is not a string), or optional (absent or null gives a null value).</summary>
    public string? Text(int field, bool required, out string? value)
    {
        value = null;
        if (Common(field, required) is { } problem)
        {
            return problem;
        }

        ref var found = ref _fields[field];
        if (!IsGiven(field) && !required)
        {
            return null;
        }

        if (found.Token != JsonTokenType.String)
        {
            return $"field '{Name(field)}' must be a string{(required ? "" : " or null")}, got {Describe(found)}";
        }

        if (found.Text is null)
        {
            return $"field '{Name(field)}' is not valid Unicode text (it escapes a lone surrogate)";
        }

        value = found.Text;
        return null;
    }

    /// <summary>A required field of any JSON value, null included, as the UTF-8 of compact JSON text.</summary>
    public string? Json(int field, out byte[]? json)
    {
        json = null;
        if (Common(field, required: true) is { } problem)
        {
            return problem;
        }

        json = _fields[field].Raw;
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>: required (null is not a number), or optional (absent or null gives null).</summary>
    public string? Whole(int field, bool required, long min, long max, out long? value)
    {
        value = null;
        if (Common(field, required) is { } problem)
        {
            return problem;
        }

        if (!IsGiven(field) && !required)
        {
            return null;
        }

        ref var found = ref _fields[field];
        if (found.Whole is not { } whole || whole < min || whole > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{Name(field)}' must be a whole number from {min} to {max}, got {Describe(found)}");
        }

        value = whole;
        return null;
    }

    /// <summary>The problem every field can have: given twice, or required and missing (a required field's null is a value).</summary>
    private string? Common(int field, bool required)
    {
        var count = _fields[field].Count;
        if (count > 1)
        {
            return $"field '{Name(field)}' appears more than once";
        }

        return required && count == 0 ? $"field '{Name(field)}' is required" : null;
    }

    private string Name(int field) => _specs[field].Name;

    private string? Scan(ReadOnlySpan<byte> bytes, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(bytes, options);
        if (!reader.Read())
        {
            return "payload is empty";
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"expected a JSON object, got {Describe(reader.TokenType)}";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Identify(ref reader);
            reader.Read();
            if (field >= 0)
            {
                Take(ref _fields[field], _specs[field].Raw, bytes, ref reader);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return null;
    }

    private int Identify(ReadOnlySpan<byte> name)
    {
        for (var field = 0; field < _specs.Length; field++)
        {
            if (name.SequenceEqual(_specs[field].Utf8Name))
            {
                return field;
            }
        }

        return -1;
    }

    /// <summary>Takes a member's value from its own bytes (one value, already checked by the envelope decoder, which noted its token).</summary>
    private static void TakeMember(ref Field found, bool raw, PayloadMember member, ReadOnlySpan<byte> payload, JsonReaderOptions options)
    {
        var value = member.Value(payload);
        if (raw)
        {
            if (++found.Count == 1)
            {
                found.Token = member.Token;
                found.Raw = JsonCompactor.CompactUtf8(value);
            }

            return;
        }

        var reader = new Utf8JsonReader(value, options);
        reader.Read();
        Take(ref found, raw: false, value, ref reader);
    }

    private int Identify(ref Utf8JsonReader reader)
    {
        try
        {
            for (var field = 0; field < _specs.Length; field++)
            {
                if (reader.ValueTextEquals(_specs[field].Utf8Name))
                {
                    return field;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // A name escaping a lone surrogate cannot be unescaped to compare, and cannot be one of ours.
        }

        return -1;
    }

    private static void Take(ref Field found, bool raw, ReadOnlySpan<byte> bytes, ref Utf8JsonReader reader)
    {
        if (++found.Count > 1)
        {
            return;
        }

        found.Token = reader.TokenType;
        if (raw)
        {
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            found.Raw = JsonCompactor.CompactUtf8(bytes[start..(int)reader.BytesConsumed]);
            return;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                found.Text = TryGetString(ref reader);
                found.Echo = found.Text is { Length: <= EchoedChars } ? "'" + found.Text + "'" : null;
                break;
            case JsonTokenType.Number:
                found.Whole = WholeNumber(ref reader);
                found.Echo = reader.ValueSpan.Length <= EchoedChars ? Encoding.UTF8.GetString(reader.ValueSpan) : null;
                break;
        }
    }

    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The number if it is whole and fits a long, written as an integer or not (<c>5</c>, <c>5.0</c>, <c>5e0</c>).</summary>
    private static long? WholeNumber(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var whole))
        {
            return whole;
        }

        return reader.TryGetDecimal(out var number) && decimal.Truncate(number) == number && number is >= long.MinValue and <= long.MaxValue
            ? (long)number
            : null;
    }

    private static string Describe(in Field found) =>
        found.Echo ?? Describe(found.Token);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>What the scan found for one field.</summary>
    private struct Field
    {
        /// <summary>Times the field appeared; only the first is read.</summary>
        public int Count;

        public JsonTokenType Token;

        /// <summary>A string's value (null when it escapes a lone surrogate).</summary>
        public string? Text;

        /// <summary>A raw field's value as the UTF-8 of compact JSON text.</summary>
        public byte[]? Raw;

        /// <summary>A number's value when whole and within a long.</summary>
        public long? Whole;

        /// <summary>The value as a problem quotes it (short strings and numbers only).</summary>
        public string? Echo;
    }
}

/// <summary>One field a payload may hold.</summary>
/// <param name="Name">Its JSON name.</param>
/// <param name="Raw">Whether its value is kept as compact JSON text (a body) rather than read as a string or number.</param>
internal sealed record FieldSpec(string Name, bool Raw = false)
{
    /// <summary>The name as UTF-8, made once, to compare against the payload's bytes.</summary>
    public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(Name);
}
