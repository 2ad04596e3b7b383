using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using static OpsClaw.Actors.Clustering.WireBinary;

namespace OpsClaw.Actors.Clustering;

/// <summary>
/// Writes the messages that cross between nodes (<see cref="IClusterMessage"/>) in a compact binary
/// form: length-prefixed UTF-8 strings and counts, no type names, so a peer can only ever make the
/// types named here (the default JSON serializer would carry type names). Bound in the embedded
/// HOCON. A frame that does not read back whole is refused with a <see cref="SerializationException"/>,
/// which the transport logs and drops.
/// </summary>
internal sealed class ClusterSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id on the wire; the embedded HOCON binds the same one.</summary>
    public const int Id = 7411;

    private const string PublishManifest = "P" + WireBinary.Format;
    private const string InterestManifest = "I" + WireBinary.Format;
    private const string SettledManifest = "S" + WireBinary.Format;
    private const string ReturnedManifest = "R" + WireBinary.Format;
    private const string CheckManifest = "C" + WireBinary.Format;
    private const string MissingManifest = "M" + WireBinary.Format;

    public ClusterSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        RemotePublish => PublishManifest,
        NodeInterest => InterestManifest,
        RemoteSettled => SettledManifest,
        RemoteReturned => ReturnedManifest,
        LedgerCheck => CheckManifest,
        LedgerMissing => MissingManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a cluster message of OpsClaw", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => WireBinary.Write(writer =>
    {
        switch (obj)
        {
            case RemotePublish publish:
                Write(writer, publish);
                break;
            case NodeInterest interest:
                Write(writer, interest);
                break;
            case RemoteSettled settled:
                Write(writer, settled.Ledger);
                break;
            case RemoteReturned returned:
                Write(writer, returned.Ledger);
                break;
            case LedgerCheck check:
                Write(writer, check.Ledger);
                break;
            case LedgerMissing missing:
                Write(writer, missing.Ledger);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a cluster message of OpsClaw", nameof(obj));
        }
    });

    public override object FromBinary(byte[] bytes, string manifest) => WireBinary.ReadWhole<object>(bytes, manifest, reader => manifest switch
    {
        PublishManifest => ReadPublish(reader),
        InterestManifest => ReadInterest(reader),
        SettledManifest => new RemoteSettled(ReadLedger(reader)),
        ReturnedManifest => new RemoteReturned(ReadLedger(reader)),
        CheckManifest => new LedgerCheck(ReadLedger(reader)),
        MissingManifest => new LedgerMissing(ReadLedger(reader)),
        _ => throw WireBinary.UnknownManifest(manifest),
    });

    private static void Write(BinaryWriter writer, RemotePublish publish)
    {
        writer.Write(publish.Messages.Length);
        foreach (var message in publish.Messages)
        {
            writer.Write(message.Topic);
            writer.Write(message.Body);
            WriteOptional(writer, message.Key);
            WriteOptional(writer, message.RunId);
            writer.Write(message.Resent);
            writer.Write(message.Groups.Length);
            foreach (var group in message.Groups)
            {
                writer.Write(group.Name);
                writer.Write(group.Pattern);
                writer.Write(group.Ledger);
            }
        }
    }

    private static RemotePublish ReadPublish(BinaryReader reader)
    {
        var messages = new RemoteMessage[Count(reader)];
        for (var i = 0; i < messages.Length; i++)
        {
            var topic = reader.ReadString();
            var body = reader.ReadString();
            var key = ReadOptional(reader);
            var runId = ReadOptional(reader);
            var resent = reader.ReadBoolean();
            var groups = new RemoteGroup[Count(reader)];
            for (var g = 0; g < groups.Length; g++)
            {
                groups[g] = new RemoteGroup(reader.ReadString(), reader.ReadString(), reader.ReadInt64());
            }

            messages[i] = new RemoteMessage(topic, body, key, runId, groups, resent);
        }

        return new RemotePublish(messages);
    }

    private static void Write(BinaryWriter writer, NodeInterest interest)
    {
        writer.Write(interest.Broker);
        writer.Write(interest.Patterns.Length);
        foreach (var pattern in interest.Patterns)
        {
            writer.Write(pattern.Pattern);
            writer.Write(pattern.Subscriptions);
        }

        writer.Write(interest.Groups.Length);
        foreach (var group in interest.Groups)
        {
            writer.Write(group.Name);
            writer.Write(group.Pattern);
            writer.Write(group.Members);
            writer.Write(group.Explicit);
        }
    }

    private static void Write(BinaryWriter writer, long[] ledger)
    {
        writer.Write(ledger.Length);
        foreach (var number in ledger)
        {
            writer.Write(number);
        }
    }

    private static long[] ReadLedger(BinaryReader reader) => ReadArray(reader, number => number.ReadInt64());

    private static NodeInterest ReadInterest(BinaryReader reader)
    {
        var broker = reader.ReadString();
        var patterns = new PatternInterest[Count(reader)];
        for (var i = 0; i < patterns.Length; i++)
        {
            patterns[i] = new PatternInterest(reader.ReadString(), Count(reader));
        }

        var groups = new GroupInterest[Count(reader)];
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i] = new GroupInterest(reader.ReadString(), reader.ReadString(), Count(reader), reader.ReadBoolean());
        }

        return new NodeInterest(broker, patterns, groups);
    }
}
