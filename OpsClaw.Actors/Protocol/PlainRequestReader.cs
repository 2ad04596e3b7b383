using System.Text;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Reads a request line of the shape clients send nearly always, in one pass over its bytes: one object
/// holding the four envelope fields once each, names and plain values with no escapes, the current schema
/// version, and a <c>payload_json</c> whose escapes are the two-character ones (<c>\"</c>, <c>\n</c>, …).
/// It unescapes the payload as it reads it and checks it with <see cref="JsonValueCheck"/>.
/// </summary>
/// <remarks>
/// Every other line (an unknown field, a <c>\u</c> escape, any error) is declined and read by
/// <see cref="RequestDecoder"/>'s full path, which gives the same request for what this reader accepts
/// and the exact error for the rest. The full path's reader validates <c>payload_json</c>'s escaped text
/// before it is unescaped and checked; for a publish, reading it that way (with a second reader for the
/// payload, as it was) was about a fifth of the host's time.
/// </remarks>
internal static class PlainRequestReader
{
    private const int SchemaVersionSeen = 1;
    private const int MessageTypeSeen = 2;
    private const int RunIdSeen = 4;
    private const int PayloadJsonSeen = 8;
    private const int RequiredSeen = SchemaVersionSeen | MessageTypeSeen | PayloadJsonSeen;

    /// <summary>The size of the thread's scratch for unescaping a payload.</summary>
    private const int ScratchBytes = 8 * 1024;

    /// <summary>Where this thread unescapes a payload before keeping it.</summary>
    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>The request <paramref name="line"/> (valid UTF-8) holds, or null when it is not of the plain shape.</summary>
    public static IpcRequest? TryRead(ReadOnlySpan<byte> line, int maxDepth)
    {
        var pos = JsonValueCheck.SkipWhitespace(line, 0);
        if (pos == line.Length || line[pos] != (byte)'{')
        {
            return null;
        }

        var seen = 0;
        string? messageType = null;
        string? runId = null;
        byte[]? payload = null;
        PayloadMember[]? members = null;
        pos++;
        while (true)
        {
            pos = JsonValueCheck.SkipWhitespace(line, pos);
            if (!TryReadPlainString(line, ref pos, out var name))
            {
                return null;
            }

            pos = JsonValueCheck.SkipWhitespace(line, pos);
            if (pos == line.Length || line[pos] != (byte)':')
            {
                return null;
            }

            pos = JsonValueCheck.SkipWhitespace(line, pos + 1);
            var field = FieldOf(line[name]);
            if (field == 0 || (seen & field) != 0 || pos == line.Length)
            {
                return null;
            }

            seen |= field;
            if (field == PayloadJsonSeen)
            {
                payload = TryReadPayload(line, ref pos, maxDepth, out members);
                if (payload is null)
                {
                    return null;
                }
            }
            else if (field == RunIdSeen && line[pos..].StartsWith("null"u8))
            {
                pos += 4;
            }
            else
            {
                if (!TryReadPlainString(line, ref pos, out var value))
                {
                    return null;
                }

                var text = line[value];
                if (field == SchemaVersionSeen && !text.SequenceEqual(IpcSchema.VersionUtf8))
                {
                    return null;
                }

                if (field == MessageTypeSeen)
                {
                    messageType = RecentMessageType.Get(text);
                }
                else if (field == RunIdSeen)
                {
                    runId = Encoding.UTF8.GetString(text);
                }
            }

            pos = JsonValueCheck.SkipWhitespace(line, pos);
            if (pos == line.Length)
            {
                return null;
            }

            if (line[pos] == (byte)',')
            {
                pos++;
                continue;
            }

            if (line[pos] != (byte)'}' || JsonValueCheck.SkipWhitespace(line, pos + 1) != line.Length || (seen & RequiredSeen) != RequiredSeen)
            {
                return null;
            }

            return new IpcRequest(messageType!, runId, payload!) { PayloadMembers = members };
        }
    }

    private static int FieldOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual(EnvelopeFields.PayloadJsonUtf8) ? PayloadJsonSeen
        : name.SequenceEqual(EnvelopeFields.MessageTypeUtf8) ? MessageTypeSeen
        : name.SequenceEqual(EnvelopeFields.SchemaVersionUtf8) ? SchemaVersionSeen
        : name.SequenceEqual(EnvelopeFields.RunIdUtf8) ? RunIdSeen
        : 0;

    /// <summary>A string with no escapes at <paramref name="pos"/>: <paramref name="content"/> is what lies between its quotes.</summary>
    private static bool TryReadPlainString(ReadOnlySpan<byte> line, ref int pos, out Range content)
    {
        content = default;
        if (pos == line.Length || line[pos] != (byte)'"')
        {
            return false;
        }

        var start = pos + 1;
        var length = line[start..].IndexOfAny(JsonValueCheck.StringStops);
        if (length < 0 || line[start + length] != (byte)'"')
        {
            return false;
        }

        content = start..(start + length);
        pos = start + length + 1;
        return true;
    }

    /// <summary>
    /// The text of the <c>payload_json</c> string at <paramref name="pos"/>, unescaped to UTF-8 and checked
    /// to be one JSON value; null when the string has an escape this reader leaves to the full path or
    /// its text is not a value it can vouch for.
    /// </summary>
    private static byte[]? TryReadPayload(ReadOnlySpan<byte> line, ref int pos, int maxDepth, out PayloadMember[]? members)
    {
        members = null;
        if (line[pos] != (byte)'"')
        {
            return null;
        }

        // Unescaping only shortens the text, so the rest of the line is room enough. The thread's
        // scratch serves ordinary lines; a huge one rents, so the scratch never grows past a small size.
        var room = line.Length - pos;
        var scratch = t_scratch ??= new byte[ScratchBytes];
        var rented = room <= ScratchBytes ? scratch : ByteBuffers.Rent(room);
        try
        {
            var written = 0;
            var i = pos + 1;
            while (true)
            {
                var run = line[i..].IndexOfAny(JsonValueCheck.StringStops);
                if (run < 0)
                {
                    return null;
                }

                line.Slice(i, run).CopyTo(rented.AsSpan(written));
                written += run;
                i += run;
                if (line[i] == (byte)'"')
                {
                    break;
                }

                if (line[i] != (byte)'\\' || i + 1 == line.Length)
                {
                    return null;
                }

                var unescaped = Unescape(line[i + 1]);
                if (unescaped == 0)
                {
                    return null;
                }

                rented[written++] = unescaped;
                i += 2;
            }

            var text = rented.AsSpan(0, written);
            if (!JsonValueCheck.TryCheck(text, maxDepth, out members))
            {
                return null;
            }

            pos = i + 1;
            return text.ToArray();
        }
        finally
        {
            if (!ReferenceEquals(rented, scratch))
            {
                ByteBuffers.Return(rented);
            }
        }
    }

    /// <summary>The byte a two-character escape stands for; 0 for <c>\u</c> (left to the full path) and for anything not an escape.</summary>
    private static byte Unescape(byte escape) => escape switch
    {
        (byte)'"' => (byte)'"',
        (byte)'\\' => (byte)'\\',
        (byte)'/' => (byte)'/',
        (byte)'b' => (byte)'\b',
        (byte)'f' => (byte)'\f',
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        _ => 0,
    };
}
