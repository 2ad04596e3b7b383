using System.Buffers;
using System.Globalization;
using System.Text;

namespace OpsClaw.Actors;

/// <summary>
/// The rules for topics and subscription patterns (docs/protocol.md §9.1): 1 to 255
/// bytes of tokens separated by <c>.</c>, each token one or more of <c>A–Z a–z 0–9 _ -</c>; a
/// pattern's token may also be <c>*</c> (exactly one token) or, as its last token only, <c>&gt;</c>
/// (one or more tokens). A problem is returned as the detail of an <c>invalid_payload</c> reply,
/// naming the field, the token and the rule it breaks, so a client can fix its call from the text alone.
/// </summary>
internal static class TopicSyntax
{
    /// <summary>The topic <c>runtime.forward</c> publishes its payload to, keyed by the request's <c>run_id</c>.</summary>
    public const string ForwardTopic = "runtime.forward";

    /// <summary>The most UTF-8 bytes a topic or a pattern may have.</summary>
    public const int MaxBytes = 255;

    /// <summary>The wildcard token matching exactly one token.</summary>
    public const string AnyToken = "*";

    /// <summary>The wildcard token matching one or more tokens, allowed only last.</summary>
    public const string AnyTail = ">";

    private const string TokenCharsText = "A-Z, a-z, 0-9, '_' and '-'";

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    /// <summary>What is wrong with a topic to publish to, or null if nothing is.</summary>
    /// <param name="topic">The topic as the client sent it.</param>
    /// <param name="field">The payload field it came in, named in the problem.</param>
    public static string? CheckTopic(string topic, string field = "topic") => Check(topic, pattern: false, field);

    /// <summary>What is wrong with a subscription pattern, or null if nothing is.</summary>
    /// <param name="pattern">The pattern as the client sent it.</param>
    /// <param name="field">The payload field it came in, named in the problem.</param>
    public static string? CheckPattern(string pattern, string field = "topic") => Check(pattern, pattern: true, field);

    /// <summary>Whether <paramref name="topic"/> (valid) matches <paramref name="pattern"/> (valid).</summary>
    public static bool Matches(string pattern, string topic)
    {
        var patternRest = pattern.AsSpan();
        var topicRest = topic.AsSpan();
        while (true)
        {
            var patternDot = patternRest.IndexOf('.');
            var topicDot = topicRest.IndexOf('.');
            var patternToken = patternDot < 0 ? patternRest : patternRest[..patternDot];
            var topicToken = topicDot < 0 ? topicRest : topicRest[..topicDot];
            if (patternToken is AnyTail)
            {
                return true;
            }

            if (patternToken is not AnyToken && !patternToken.SequenceEqual(topicToken))
            {
                return false;
            }

            if (patternDot < 0 || topicDot < 0)
            {
                return patternDot < 0 && topicDot < 0;
            }

            patternRest = patternRest[(patternDot + 1)..];
            topicRest = topicRest[(topicDot + 1)..];
        }
    }

    /// <summary>Whether some topic matches both patterns (both valid).</summary>
    public static bool Overlap(string a, string b)
    {
        var left = a.Split('.');
        var right = b.Split('.');
        for (var i = 0; ; i++)
        {
            var leftEnded = i >= left.Length;
            var rightEnded = i >= right.Length;
            if (leftEnded || rightEnded)
            {
                return leftEnded && rightEnded;
            }

            // '>' takes one or more tokens, and the other pattern has one here: any tail of it fits.
            if (left[i] == AnyTail || right[i] == AnyTail)
            {
                return true;
            }

            if (left[i] != AnyToken && right[i] != AnyToken && !string.Equals(left[i], right[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
    }

    private static string? Check(string text, bool pattern, string field)
    {
        var what = pattern ? "a pattern" : "a topic";
        if (text.Length == 0)
        {
            return $"field '{field}' is empty; {what} is 1 to {MaxBytes} bytes";
        }

        // Length first: a value too long to be valid is never echoed back in the error text.
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxBytes)
        {
            return $"field '{field}' is {bytes} bytes; {what} is at most {MaxBytes} bytes";
        }

        var rest = text.AsSpan();
        for (var number = 1; ; number++)
        {
            var dot = rest.IndexOf('.');
            var last = dot < 0;
            var token = last ? rest : rest[..dot];
            if (CheckToken(text, token, number, last, pattern, field) is { } problem)
            {
                return problem;
            }

            if (last)
            {
                return null;
            }

            rest = rest[(dot + 1)..];
        }
    }

    private static string? CheckToken(string text, ReadOnlySpan<char> token, int number, bool last, bool pattern, string field)
    {
        if (token.IsEmpty)
        {
            return $"field '{field}' has an empty token (token {number} of '{text}'); tokens are separated by single dots, with none at either end";
        }

        if (token is AnyToken or AnyTail)
        {
            if (!pattern)
            {
                return $"field '{field}' token {number} is the wildcard '{token}'; a published topic names no wildcards (only subscription patterns do)";
            }

            return token is AnyTail && !last
                ? $"field '{field}' token {number} is '>', which may only be the last token of a pattern (it matches one or more tokens)"
                : null;
        }

        var bad = token.IndexOfAnyExcept(TokenChars);
        if (bad < 0)
        {
            return null;
        }

        if (pattern && token[bad] is '*' or '>')
        {
            return $"field '{field}' token {number} ('{token}') holds '{token[bad]}'; a wildcard must be a whole token";
        }

        return $"field '{field}' token {number} ('{token}') holds {Describe(token[bad..])}; a token holds only {TokenCharsText}";
    }

    /// <summary>The first character of <paramref name="text"/> as a reader can see it: itself if printable ASCII, else its code point.</summary>
    private static string Describe(ReadOnlySpan<char> text)
    {
        if (text[0] is > ' ' and < '\u007f')
        {
            return $"'{text[0]}'";
        }

        // A lone surrogate is shown as its own code unit: it is what the client sent.
        var code = Rune.DecodeFromUtf16(text, out var rune, out _) == OperationStatus.Done ? rune.Value : text[0];
        return string.Create(CultureInfo.InvariantCulture, $"U+{code:X4}");
    }
}
