using System.Text;
using System.Text.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The message type this thread decoded last, kept as a string and as its UTF-8: a client mostly sends
/// one type over and over, and the same string serves every line that repeats it.
/// </summary>
internal static class RecentMessageType
{
    [ThreadStatic]
    private static string? t_type;

    [ThreadStatic]
    private static byte[]? t_utf8;

    /// <summary>The kept string when the reader's current string value is the kept type, else null.</summary>
    public static string? Match(ref Utf8JsonReader reader) =>
        t_utf8 is { } utf8 && reader.ValueTextEquals(utf8) ? t_type : null;

    /// <summary>The type whose UTF-8 (with no escapes) is <paramref name="utf8"/>, reusing the kept string when it is that one.</summary>
    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (t_utf8 is { } kept && utf8.SequenceEqual(kept))
        {
            return t_type!;
        }

        var type = Encoding.UTF8.GetString(utf8);
        (t_type, t_utf8) = (type, utf8.ToArray());
        return type;
    }

    /// <summary>Keeps <paramref name="type"/> as the thread's latest, unless it is already the kept one.</summary>
    public static void Remember(string type)
    {
        if (!ReferenceEquals(type, t_type))
        {
            (t_type, t_utf8) = (type, Encoding.UTF8.GetBytes(type));
        }
    }
}
