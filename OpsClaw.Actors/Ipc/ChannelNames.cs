using System.Buffers;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// What a channel may be called. The name becomes a file name (<c>&lt;name&gt;.sock</c>), an actor
/// name and a HOCON key, so it is kept to letters, digits, '-', '_' and '.', starting with a letter
/// or digit.
/// </summary>
internal static class ChannelNames
{
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>Why <paramref name="name"/> cannot name a channel, or null when it can.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a channel name must not be empty";
        }

        var shown = Newtonsoft.Json.JsonConvert.ToString(name.Length > MaxLength ? name[..MaxLength] + "…" : name);
        if (name.Length > MaxLength)
        {
            return $"channel name {shown} is longer than {MaxLength} characters";
        }

        if (name.AsSpan().IndexOfAnyExcept(Allowed) >= 0 || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return $"channel name {shown} cannot name a socket file: use letters, digits, '-', '_' and '.', starting with a letter or digit";
        }

        return null;
    }
}
