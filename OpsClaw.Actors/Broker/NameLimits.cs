using System.Text;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// The limits on a queue group's name and a message key: counted in UTF-8 bytes, as on the wire, so
/// a name of non-ASCII text is held to the same bound as anything else the host stores for a client.
/// </summary>
internal static class NameLimits
{
    /// <summary>The most UTF-8 bytes of a group name or a key.</summary>
    public const int MaxBytes = 255;

    /// <summary>What is wrong with a group name (1 to 255 bytes, any text), or null if nothing is.</summary>
    public static string? CheckGroup(string group, string field = "group")
    {
        if (group.Length == 0)
        {
            return $"field '{field}' is empty; a group name is 1 to {MaxBytes} bytes";
        }

        var bytes = Encoding.UTF8.GetByteCount(group);
        return bytes > MaxBytes ? $"field '{field}' is {bytes} bytes; a group name is at most {MaxBytes} bytes" : null;
    }

    /// <summary>What is wrong with a message key (a string of at most 255 bytes, the empty one included), or null if nothing is.</summary>
    public static string? CheckKey(string key, string field = "key")
    {
        var bytes = Encoding.UTF8.GetByteCount(key);
        return bytes > MaxBytes ? $"field '{field}' is {bytes} bytes; a key is at most {MaxBytes} bytes" : null;
    }
}
