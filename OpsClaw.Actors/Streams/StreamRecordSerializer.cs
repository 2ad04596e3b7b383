using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace OpsClaw.Actors.Streams;

/// <summary>
/// Writes <see cref="IStreamRecord"/>s as small fixed binary layouts, one manifest letter per type.
/// A record that does not read (a truncated or foreign row) fails with <see cref="SerializationException"/>
/// rather than yielding half a message.
/// </summary>
internal sealed class StreamRecordSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka's serializer id for this one; ids up to 100 are Akka's own.</summary>
    public const int Id = 7301;

    private const string MessageManifest = "M";
    private const string StreamSnapshotManifest = "S";
    private const string CreatedManifest = "C";
    private const string AckedManifest = "A";
    private const string ConsumerSnapshotManifest = "P";

    /// <summary>Every type this serializer writes; each is bound to it by <see cref="StreamStorage"/>.</summary>
    public static IReadOnlyList<Type> RecordTypes { get; } =
        [typeof(StoredMessage), typeof(StreamSnapshot), typeof(ConsumerCreated), typeof(ConsumerAcked), typeof(ConsumerSnapshot)];

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        StoredMessage => MessageManifest,
        StreamSnapshot => StreamSnapshotManifest,
        ConsumerCreated => CreatedManifest,
        ConsumerAcked => AckedManifest,
        ConsumerSnapshot => ConsumerSnapshotManifest,
        _ => throw new ArgumentException($"not a stream record: {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case StoredMessage message:
                    writer.Write(message.Topic);
                    writer.Write(message.Body);
                    WriteOptional(writer, message.Key);
                    WriteOptional(writer, message.RunId);
                    writer.Write(message.StoredAt);
                    break;
                case StreamSnapshot snapshot:
                    writer.Write(snapshot.FirstSeq);
                    writer.Write(snapshot.Blocks.Length);
                    foreach (var block in snapshot.Blocks)
                    {
                        writer.Write(block.FirstSeq);
                        writer.Write(block.LastSeq);
                        writer.Write(block.Bytes);
                        writer.Write(block.NewestAt);
                    }

                    break;
                case ConsumerCreated created:
                    writer.Write(created.Topic);
                    writer.Write(created.AckedSeq);
                    break;
                case ConsumerAcked acked:
                    writer.Write(acked.AckedSeq);
                    WriteSeqs(writer, acked.Seqs);
                    break;
                case ConsumerSnapshot position:
                    writer.Write(position.Topic);
                    writer.Write(position.AckedSeq);
                    WriteSeqs(writer, position.AckedAbove);
                    break;
                default:
                    throw new ArgumentException($"not a stream record: {obj.GetType()}", nameof(obj));
            }
        }

        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            object record = manifest switch
            {
                MessageManifest => new StoredMessage(reader.ReadString(), reader.ReadString(), ReadOptional(reader), ReadOptional(reader), reader.ReadInt64()),
                StreamSnapshotManifest => ReadStreamSnapshot(reader),
                CreatedManifest => new ConsumerCreated(reader.ReadString(), reader.ReadInt64()),
                AckedManifest => ReadAcked(reader),
                ConsumerSnapshotManifest => new ConsumerSnapshot(reader.ReadString(), reader.ReadInt64(), ReadSeqs(reader)),
                _ => throw new SerializationException($"unknown stream record manifest '{manifest}'"),
            };
            return reader.BaseStream.Position == bytes.Length
                ? record
                : throw new SerializationException($"stream record '{manifest}' has {bytes.Length - reader.BaseStream.Position} bytes too many");
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentOutOfRangeException or FormatException or DecoderFallbackException)
        {
            throw new SerializationException($"stream record '{manifest}' does not read: {ex.Message}", ex);
        }
    }

    private static ConsumerAcked ReadAcked(BinaryReader reader)
    {
        var floor = reader.ReadInt64();
        return new ConsumerAcked(ReadSeqs(reader), floor);
    }

    private static StreamSnapshot ReadStreamSnapshot(BinaryReader reader)
    {
        var first = reader.ReadInt64();
        var count = CheckedCount(reader, 32);
        var blocks = new RetentionBlock[count];
        for (var i = 0; i < count; i++)
        {
            blocks[i] = new RetentionBlock(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
        }

        return new StreamSnapshot(first, blocks);
    }

    private static void WriteOptional(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
        {
            writer.Write(text);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private static void WriteSeqs(BinaryWriter writer, long[] seqs)
    {
        writer.Write(seqs.Length);
        foreach (var seq in seqs)
        {
            writer.Write(seq);
        }
    }

    private static long[] ReadSeqs(BinaryReader reader)
    {
        var seqs = new long[CheckedCount(reader, sizeof(long))];
        for (var i = 0; i < seqs.Length; i++)
        {
            seqs[i] = reader.ReadInt64();
        }

        return seqs;
    }

    /// <summary>A count that the bytes left can hold, so a corrupt one cannot allocate gigabytes.</summary>
    private static int CheckedCount(BinaryReader reader, int itemBytes)
    {
        var count = reader.ReadInt32();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        return count >= 0 && (long)count * itemBytes <= left
            ? count
            : throw new SerializationException($"a record claims {count} items in {left} bytes");
    }
}
