using System.Text;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A seeded generator of hostile request lines (never containing '\n'): valid envelopes, and
/// envelopes with flipped bytes, truncations, invalid UTF-8, raw NUL and control characters, deep
/// nesting, huge strings, 10,000-digit numbers, duplicate keys, wrong types in every field, blank
/// lines and random bytes. The same seed always gives the same lines.
/// </summary>
public sealed class HostileLines(int seed, IReadOnlyList<string> messageTypes)
{
    private static readonly string[] Fields = ["schema_version", "message_type", "run_id", "payload_json"];
    private static readonly string[] WrongValues = ["1", "-0.5e300", "true", "false", "null", "[]", "{}", "[\"a\"]", "{\"k\":\"v\"}", "\"\"", "1e999999"];
    private static readonly byte[][] BadUtf8 = [[0xC3], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]];

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>Whether the server answers the line at all: blank lines (spaces, tabs, '\r' only) get no reply.</summary>
    public static bool ExpectsReply(byte[] line) => line.Any(b => b is not (byte)' ' and not (byte)'\t' and not (byte)'\r');

    public byte[] Next() => _random.Next(100) switch
    {
        < 20 => Encode(ValidEnvelope()),
        < 32 => FlipBytes(Encode(ValidEnvelope())),
        < 40 => Truncate(Encode(ValidEnvelope())),
        < 48 => InsertBadUtf8(Encode(ValidEnvelope())),
        < 55 => InsertControl(Encode(ValidEnvelope())),
        < 62 => Encode(DeepNesting()),
        < 67 => Encode(LongNumbers()),
        < 74 => Encode(DuplicateKeys()),
        < 88 => Encode(WrongType()),
        < 92 => Encode(Blank()),
        < 97 => RandomBytes(),
        _ => Encode(WeirdButValid()),
    };

    /// <summary>A line of <paramref name="length"/> bytes or more: a valid envelope carrying one huge string.</summary>
    public byte[] Huge(int length) =>
        Encode(Envelope(Pick(messageTypes), "huge", Quote(Quote(new string('x', length)))));

    private string ValidEnvelope() => Envelope(Pick(messageTypes), RunId(), Quote(Payload()));

    private static string Envelope(string messageType, string runIdJson, string payloadJson) =>
        $"{{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":{Quote(messageType)},\"run_id\":{runIdJson},\"payload_json\":{payloadJson}}}";

    private string RunId() => _random.Next(10) switch
    {
        0 => "null",
        1 => Quote(""),
        2 => Quote("ünï\u2028cødé\ud83d\ude00"),
        _ => Quote("r" + _random.Next(1_000_000)),
    };

    private string Payload() => _random.Next(8) switch
    {
        0 => "{}",
        1 => "{\"Text\":" + Quote(RandomText(_random.Next(0, 64))) + "}",
        2 => "{\"Text\":" + _random.Next() + "}",
        3 => "[1,2,{\"a\":null}]",
        4 => "\"just a string\"",
        5 => "{\"$type\":\"System.IO.FileInfo, System.IO.FileSystem\",\"fileName\":\"/etc/passwd\"}",
        6 => "{\"Ms\":\"soon\",\"Text\":[]}",
        _ => _random.NextDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private string DeepNesting()
    {
        var depth = _random.Next(1, 200);
        var open = _random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
        return _random.Next(2) == 0
            ? Envelope(Pick(messageTypes), RunId(), Quote(nested))
            : $"{{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"deep\":{nested},\"message_type\":\"runtime.ping\",\"payload_json\":\"{{}}\"}}";
    }

    private string LongNumbers()
    {
        var digits = new string('9', 10_000);
        return _random.Next(3) switch
        {
            0 => Envelope(Pick(messageTypes), RunId(), Quote("{\"Text\":" + digits + "}")),
            1 => Envelope(Pick(messageTypes), digits, Quote("{}")),
            _ => Envelope(Pick(messageTypes), RunId(), Quote("-" + digits + "." + digits + "e-" + digits)),
        };
    }

    private string DuplicateKeys()
    {
        var field = Pick(Fields);
        var envelope = ValidEnvelope();
        var duplicate = field == "payload_json" ? "\"payload_json\":\"[]\"" : $"\"{field}\":\"dup\"";
        return envelope[..^1] + "," + duplicate + "}";
    }

    private string WrongType()
    {
        var values = new Dictionary<string, string>
        {
            ["schema_version"] = Quote("opsclaw.ipc.v1alpha1"),
            ["message_type"] = Quote(Pick(messageTypes)),
            ["run_id"] = RunId(),
            ["payload_json"] = Quote("{}"),
        };
        var field = Pick(Fields);
        if (_random.Next(5) == 0)
        {
            values.Remove(field);
        }
        else
        {
            values[field] = _random.Next(4) == 0 ? Quote(RandomText(8)) : Pick(WrongValues);
        }

        return "{" + string.Join(",", values.OrderBy(_ => _random.Next()).Select(pair => $"\"{pair.Key}\":{pair.Value}")) + "}";
    }

    private string Blank() => _random.Next(4) switch
    {
        0 => "",
        1 => "   ",
        2 => " \t \r",
        _ => "\t",
    };

    private string WeirdButValid() => _random.Next(4) switch
    {
        0 => " \t" + ValidEnvelope() + "  \r",
        1 => ValidEnvelope().Replace(",", " ,\t", StringComparison.Ordinal),
        2 => "[" + ValidEnvelope() + "]",
        _ => ValidEnvelope() + ValidEnvelope(),
    };

    private byte[] FlipBytes(byte[] line)
    {
        for (var flips = _random.Next(1, 6); flips > 0 && line.Length > 0; flips--)
        {
            line[_random.Next(line.Length)] = NotNewline((byte)_random.Next(256));
        }

        return line;
    }

    private byte[] Truncate(byte[] line) => line[.._random.Next(line.Length)];

    private byte[] InsertBadUtf8(byte[] line) => Insert(line, Pick(BadUtf8));

    private byte[] InsertControl(byte[] line) => Insert(line, [NotNewline((byte)_random.Next(0, 32))]);

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(1, 300)];
        _random.NextBytes(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = NotNewline(bytes[i]);
        }

        return bytes;
    }

    private byte[] Insert(byte[] line, byte[] bytes)
    {
        var at = _random.Next(line.Length + 1);
        return [.. line[..at], .. bytes, .. line[at..]];
    }

    private string RandomText(int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append((char)_random.Next(0x20, 0x2FF));
        }

        return text.ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static byte NotNewline(byte value) => value == (byte)'\n' ? (byte)'N' : value;

    private static byte[] Encode(string line) => Encoding.UTF8.GetBytes(line);

    private static string Quote(string text) => Newtonsoft.Json.JsonConvert.ToString(text);
}
