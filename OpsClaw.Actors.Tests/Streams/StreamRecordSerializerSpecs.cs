using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Streams;

public sealed class StreamRecordSerializerSpecs : TestKit
{
    private StreamRecordSerializer Serializer => new((ExtendedActorSystem)Sys);

    public static TheoryData<object> Records() =>
    [
        new StoredMessage("orders.new", "{\"n\":1,\"s\":\"é \\u2028\"}", "k-1", "run 7", 638_700_000_000_000_000),
        new StoredMessage("a", "null", null, null, 0),
        new ConsumerCreated("orders.>", 41),
        new ConsumerAcked([3, 5, 8], 2),
        new ConsumerSnapshot(">", 100, [102, 107]),
    ];

    [Theory]
    [MemberData(nameof(Records))]
    public void A_record_should_read_back_equal(object record)
    {
        var bytes = Serializer.ToBinary(record);
        var back = Serializer.FromBinary(bytes, Serializer.Manifest(record));

        Assert.Equal(Describe(record), Describe(back));
    }

    [Fact]
    public void Every_record_type_should_be_bound_to_this_serializer_once_storage_is_open()
    {
        var directory = Directory.CreateTempSubdirectory("opsclaw-serializer-").FullName;
        try
        {
            StreamStorage.Get(Sys).Open(StorageSettings.Default with { SqliteFile = Path.Combine(directory, "b.db") });

            // Never Akka's default JSON serializer, which writes .NET type names into the journal.
            Assert.All(StreamRecordSerializer.RecordTypes, type =>
                Assert.IsType<StreamRecordSerializer>(Sys.Serialization.FindSerializerForType(type)));
            Assert.IsType<StreamRecordSerializer>(Sys.Serialization.FindSerializerFor(new StoredMessage("a", "1", null, null, 0)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_stream_snapshot_should_read_back_its_blocks()
    {
        var snapshot = new StreamSnapshot(5, [new RetentionBlock(5, 260, 9000, 77), new RetentionBlock(261, 300, 100, 99)]);

        var back = (StreamSnapshot)Serializer.FromBinary(Serializer.ToBinary(snapshot), Serializer.Manifest(snapshot));

        Assert.Equal(snapshot.FirstSeq, back.FirstSeq);
        Assert.Equal(snapshot.Blocks, back.Blocks);
    }

    [Fact]
    public void A_truncated_or_padded_or_foreign_record_should_fail_to_read_rather_than_yield_half_a_message()
    {
        var bytes = Serializer.ToBinary(new StoredMessage("orders.new", "{\"n\":1}", "k", "r", 1));

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..^3], "M"));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([.. bytes, 0], "M"));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "Z"));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F], "A"));
    }

    [Fact]
    public void Random_bytes_should_only_ever_fail_as_a_serialization_exception()
    {
        var random = new Random(1414);
        string[] manifests = ["M", "S", "C", "A", "P"];
        object[] records =
        [
            new StoredMessage("orders.new", "{\"n\":1}", "k", "r", 1), new StreamSnapshot(1, [new RetentionBlock(1, 2, 3, 4)]),
            new ConsumerCreated(">", 0), new ConsumerAcked([1, 2], 2), new ConsumerSnapshot(">", 3, [5]),
        ];
        var valid = records.Select(record => Serializer.ToBinary(record)).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            // Half random bytes, half valid records with bytes flipped or cut: the reader sees both.
            var manifest = manifests[random.Next(manifests.Length)];
            byte[] bytes;
            if (random.Next(2) == 0)
            {
                bytes = new byte[random.Next(64)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = [.. valid[random.Next(valid.Length)]];
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                bytes = bytes[..random.Next(bytes.Length + 1)];
            }

            try
            {
                Serializer.FromBinary(bytes, manifest);
            }
            catch (SerializationException)
            {
            }
        }
    }

    private static string Describe(object record) => record switch
    {
        ConsumerAcked acked => $"acked {acked.AckedSeq} [{string.Join(",", acked.Seqs)}]",
        ConsumerSnapshot snapshot => $"snapshot {snapshot.Topic} {snapshot.AckedSeq} [{string.Join(",", snapshot.AckedAbove)}]",
        _ => record.ToString()!,
    };
}
