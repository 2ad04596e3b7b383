using System.Buffers;
using Newtonsoft.Json;

namespace OpsClaw.Bench;

/// <summary>
/// Newtonsoft.Json readers and writers for the raw-json baseline. Only token readers and writers are
/// used, never a serializer, so no type name can ever be read (the house rule's TypeNameHandling.None
/// holds by construction); depth is capped as in the host and date-like strings stay strings.
/// </summary>
internal static class BaselineJson
{
    private static readonly PooledChars Chars = new();
    private static readonly FieldNames Names = new();

    public static JsonTextReader Reader(TextReader text) => new(text)
    {
        MaxDepth = Wire.MaxJsonDepth,
        DateParseHandling = DateParseHandling.None,
        FloatParseHandling = FloatParseHandling.Decimal,
        ArrayPool = Chars,
        PropertyNameTable = Names,
        CloseInput = false,
    };

    public static JsonTextWriter Writer(TextWriter text) => new(text)
    {
        Formatting = Formatting.None,
        ArrayPool = Chars,
        CloseOutput = false,
    };

    /// <summary>True when <paramref name="text"/> is exactly one JSON value (so "" is not JSON).</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var reader = Reader(new StringReader(text));
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonReaderException)
        {
            return false;
        }
    }

    private sealed class PooledChars : IArrayPool<char>
    {
        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }

    /// <summary>The envelope's field names, handed out as the same string instances instead of new ones per request.</summary>
    private sealed class FieldNames : JsonNameTable
    {
        private static readonly string[] Known = ["schema_version", "message_type", "run_id", "payload_json", "ok", "error", "error_code", "status"];

        public override string? Get(char[] key, int start, int length)
        {
            var span = key.AsSpan(start, length);
            foreach (var name in Known)
            {
                if (span.SequenceEqual(name))
                {
                    return name;
                }
            }

            return null;
        }
    }
}
