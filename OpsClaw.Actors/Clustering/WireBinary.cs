using System.Runtime.Serialization;

namespace OpsClaw.Actors.Clustering;

/// <summary>The pieces OpsClaw's cluster serializers write their messages with: optional strings and checked counts.</summary>
internal static class WireBinary
{
    /// <summary>
    /// The version of the wire format, the last character of every manifest: a node of another
    /// OpsClaw version that writes its messages otherwise is refused by name rather than misread.
    /// </summary>
    public const string Format = "1";

    /// <summary>More of anything in one frame than a peer could have sent: refused as garbage.</summary>
    public const int MaxCount = 1_000_000;

    public static void WriteOptional(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
        {
            writer.Write(text);
        }
    }

    public static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    /// <summary>A count, refused when negative or past <see cref="MaxCount"/>.</summary>
    public static int Count(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count is >= 0 and <= MaxCount
            ? count
            : throw new SerializationException($"an OpsClaw cluster message holds a count of {count}, outside 0 to {MaxCount}");
    }

    /// <summary>The refusal of a manifest no serializer of this version writes.</summary>
    public static SerializationException UnknownManifest(string manifest) =>
        manifest.Length > 1 && char.IsAsciiDigit(manifest[^1]) && manifest[^1..] != Format
            ? new SerializationException($"an OpsClaw cluster message in wire format '{manifest[^1..]}' (manifest '{manifest}'): this node reads format {Format}; every node of a cluster must run the same OpsClaw version")
            : new SerializationException($"unknown manifest '{manifest}' for an OpsClaw cluster message");

    /// <summary>A counted array, each item read by <paramref name="read"/>.</summary>
    public static T[] ReadArray<T>(BinaryReader reader, Func<BinaryReader, T> read)
    {
        var items = new T[Count(reader)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = read(reader);
        }

        return items;
    }

    /// <summary>Reads <paramref name="bytes"/> with <paramref name="read"/>, which must take them all; a frame cut short or malformed is a <see cref="SerializationException"/>.</summary>
    public static T ReadWhole<T>(byte[] bytes, string manifest, Func<BinaryReader, T> read)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
            var message = read(reader);
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new SerializationException($"an OpsClaw cluster message ({manifest}) has {bytes.Length - reader.BaseStream.Position} bytes left over");
            }

            return message;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or System.Text.DecoderFallbackException or ArgumentException)
        {
            throw new SerializationException($"an OpsClaw cluster message ({manifest}) is cut short or malformed: {ex.Message}", ex);
        }
    }

    /// <summary>The bytes <paramref name="write"/> writes.</summary>
    public static byte[] Write(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
