using System.Buffers;
using System.Text.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Checks that UTF-8 bytes are exactly one strict JSON value (RFC 8259: no comments, no trailing
/// commas, nesting within a depth limit), noting where an object's top-level members are, in one
/// pass without <see cref="Utf8JsonReader"/>. It only ever accepts or declines: anything it declines,
/// valid or not, goes to the reader, so every error's wording stays the reader's.
/// </summary>
/// <remarks>
/// The bytes must already be valid UTF-8 (the decoder checks the whole line first). What it accepts
/// is a subset of what <see cref="Utf8JsonReader"/> accepts with the same depth, and the members it
/// notes are the ones a reader walking the value's top level would find; PlainRequestReaderSpecs
/// hold it to both on random and mutated text.
/// </remarks>
internal static class JsonValueCheck
{
    /// <summary>The deepest nesting this checker follows; deeper payloads are declined, whatever the configured limit.</summary>
    private const int MaxNesting = 64;

    /// <summary>The bytes that end a run of plain string content: a quote, a backslash or a control character.</summary>
    internal static readonly SearchValues<byte> StringStops = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    /// <summary>Where this thread notes an object's members before they are kept.</summary>
    [ThreadStatic]
    private static PayloadMember[]? t_members;

    /// <summary>
    /// Whether <paramref name="json"/> is one value this checker can vouch for; <paramref name="members"/>
    /// are an object's top-level members, null when they are not noted (not an object, too many, or a
    /// name with escapes) or the value is declined.
    /// </summary>
    public static bool TryCheck(ReadOnlySpan<byte> json, int maxDepth, out PayloadMember[]? members)
    {
        var found = t_members ??= new PayloadMember[PayloadMember.MaxMembers];
        var vouched = TryCheck(json, maxDepth, found, out var count);
        members = vouched && count >= 0 ? found.AsSpan(0, count).ToArray() : null;
        return vouched;
    }

    /// <summary>The check itself: <paramref name="memberCount"/> of <paramref name="members"/> are noted, or -1 when none are.</summary>
    private static bool TryCheck(ReadOnlySpan<byte> json, int maxDepth, Span<PayloadMember> members, out int memberCount)
    {
        memberCount = -1;
        var limit = Math.Min(maxDepth, MaxNesting);
        var pos = SkipWhitespace(json, 0);
        if (pos == json.Length)
        {
            return false;
        }

        var topIsObject = json[pos] == (byte)'{';
        var count = 0;
        var noted = topIsObject;

        // One bit per open container, set for an object; depth counts them.
        ulong objects = 0;
        var depth = 0;

        // The member of the top-level object being read: where its name and value started.
        int nameStart = 0, nameLength = 0, valueStart = 0;
        var token = JsonTokenType.None;

        while (true)
        {
            // A value starts here.
            if (pos == json.Length)
            {
                return false;
            }

            if (depth == 1 && topIsObject)
            {
                valueStart = pos;
                token = TokenAt(json[pos]);
            }

            var c = json[pos];
            if (c is (byte)'{' or (byte)'[')
            {
                if (++depth > limit)
                {
                    return false;
                }

                var isObject = c == (byte)'{';
                objects = isObject ? objects | (1UL << (depth - 1)) : objects & ~(1UL << (depth - 1));
                pos = SkipWhitespace(json, pos + 1);
                if (pos == json.Length)
                {
                    return false;
                }

                var close = isObject ? (byte)'}' : (byte)']';
                if (json[pos] == close)
                {
                    depth--;
                    pos++;
                }
                else if (isObject)
                {
                    if (!TryReadName(json, ref pos, depth == 1, ref nameStart, ref nameLength, ref noted))
                    {
                        return false;
                    }

                    continue;
                }
                else
                {
                    continue;
                }
            }
            else if (!TryReadScalar(json, ref pos))
            {
                return false;
            }

            // A value has ended; close containers and move to the next value.
            while (true)
            {
                if (depth == 1 && topIsObject && noted)
                {
                    if (count == PayloadMember.MaxMembers)
                    {
                        noted = false;
                    }
                    else
                    {
                        members[count++] = new PayloadMember(nameStart, nameLength, valueStart, pos, token);
                    }
                }

                pos = SkipWhitespace(json, pos);
                if (depth == 0)
                {
                    if (pos != json.Length)
                    {
                        return false;
                    }

                    memberCount = noted ? count : -1;
                    return true;
                }

                if (pos == json.Length)
                {
                    return false;
                }

                var inObject = (objects & (1UL << (depth - 1))) != 0;
                var next = json[pos];
                if (next == (byte)',')
                {
                    pos = SkipWhitespace(json, pos + 1);
                    if (inObject && !TryReadName(json, ref pos, depth == 1, ref nameStart, ref nameLength, ref noted))
                    {
                        return false;
                    }

                    break;
                }

                if (next != (inObject ? (byte)'}' : (byte)']'))
                {
                    return false;
                }

                // The container closed is itself a value ending one level up.
                depth--;
                pos++;
            }
        }
    }

    /// <summary>The token a value starting with <paramref name="first"/> reads as (checked afterwards).</summary>
    private static JsonTokenType TokenAt(byte first) => first switch
    {
        (byte)'{' => JsonTokenType.StartObject,
        (byte)'[' => JsonTokenType.StartArray,
        (byte)'"' => JsonTokenType.String,
        (byte)'t' => JsonTokenType.True,
        (byte)'f' => JsonTokenType.False,
        (byte)'n' => JsonTokenType.Null,
        _ => JsonTokenType.Number,
    };

    /// <summary>Reads <c>"name" :</c> and the whitespace after it, leaving <paramref name="pos"/> at the value.</summary>
    private static bool TryReadName(ReadOnlySpan<byte> json, ref int pos, bool topLevel, ref int nameStart, ref int nameLength, ref bool noted)
    {
        if (pos == json.Length || json[pos] != (byte)'"')
        {
            return false;
        }

        var start = pos + 1;
        if (!TryReadString(json, ref pos, out var escaped))
        {
            return false;
        }

        if (topLevel)
        {
            nameStart = start;
            nameLength = pos - 1 - start;
            noted &= !escaped;
        }

        pos = SkipWhitespace(json, pos);
        if (pos == json.Length || json[pos] != (byte)':')
        {
            return false;
        }

        pos = SkipWhitespace(json, pos + 1);
        return true;
    }

    private static bool TryReadScalar(ReadOnlySpan<byte> json, ref int pos) => json[pos] switch
    {
        (byte)'"' => TryReadString(json, ref pos, out _),
        (byte)'t' => TryReadLiteral(json, ref pos, "true"u8),
        (byte)'f' => TryReadLiteral(json, ref pos, "false"u8),
        (byte)'n' => TryReadLiteral(json, ref pos, "null"u8),
        _ => TryReadNumber(json, ref pos),
    };

    /// <summary>Reads a string from its opening quote to just past its closing one; its escapes are checked, not decoded.</summary>
    internal static bool TryReadString(ReadOnlySpan<byte> json, ref int pos, out bool escaped)
    {
        escaped = false;
        var i = pos + 1;
        while (true)
        {
            var run = json[i..].IndexOfAny(StringStops);
            if (run < 0)
            {
                return false;
            }

            i += run;
            var c = json[i];
            if (c == (byte)'"')
            {
                pos = i + 1;
                return true;
            }

            if (c != (byte)'\\' || i + 1 == json.Length)
            {
                return false;
            }

            escaped = true;
            var escape = json[i + 1];
            if (escape == (byte)'u')
            {
                if (i + 6 > json.Length || !IsHex(json[i + 2]) || !IsHex(json[i + 3]) || !IsHex(json[i + 4]) || !IsHex(json[i + 5]))
                {
                    return false;
                }

                i += 6;
            }
            else if (escape is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
            {
                i += 2;
            }
            else
            {
                return false;
            }
        }
    }

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static bool TryReadLiteral(ReadOnlySpan<byte> json, ref int pos, ReadOnlySpan<byte> literal)
    {
        if (!json[pos..].StartsWith(literal))
        {
            return false;
        }

        // What follows (a delimiter or the end) is checked by the caller, as after any value.
        pos += literal.Length;
        return true;
    }

    /// <summary>RFC 8259's number: <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>.</summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> json, ref int pos)
    {
        var i = pos;
        if (json[i] == (byte)'-')
        {
            i++;
        }

        if (i == json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return false;
        }

        if (json[i] == (byte)'0')
        {
            i++;
        }
        else
        {
            i = SkipDigits(json, i);
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            var fraction = SkipDigits(json, i + 1);
            if (fraction == i + 1)
            {
                return false;
            }

            i = fraction;
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponent = SkipDigits(json, i);
            if (exponent == i)
            {
                return false;
            }

            i = exponent;
        }

        pos = i;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }

        return i;
    }

    internal static int SkipWhitespace(ReadOnlySpan<byte> json, int pos)
    {
        while (pos < json.Length && json[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            pos++;
        }

        return pos;
    }
}
