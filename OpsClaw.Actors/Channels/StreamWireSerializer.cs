using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using static OpsClaw.Actors.Clustering.WireBinary;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Writes the messages that cross between nodes for streams in a cluster (docs/cluster.md, "Streams in
/// a cluster"): what a broker sends a sharded stream or consumer, and what they send back to its
/// connections and to it. Like <see cref="Clustering.ClusterSerializer"/>, a compact binary form with
/// no type names, bound type by type in the embedded HOCON; actor references go as their paths.
/// </summary>
internal sealed class StreamWireSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id on the wire; the embedded HOCON binds the same one.</summary>
    public const int Id = 7412;

    private const string EnvelopeManifest = "E" + Clustering.WireBinary.Format;
    private const string AppendManifest = "A" + Clustering.WireBinary.Format;
    private const string SubscribeManifest = "B" + Clustering.WireBinary.Format;
    private const string LeaveManifest = "L" + Clustering.WireBinary.Format;
    private const string SettleManifest = "T" + Clustering.WireBinary.Format;
    private const string GetInfoManifest = "G" + Clustering.WireBinary.Format;
    private const string ReplyManifest = "r" + Clustering.WireBinary.Format;
    private const string ReplyBatchManifest = "b" + Clustering.WireBinary.Format;
    private const string SubscribedManifest = "s" + Clustering.WireBinary.Format;
    private const string DeliverManifest = "d" + Clustering.WireBinary.Format;
    private const string DeliverBatchManifest = "D" + Clustering.WireBinary.Format;
    private const string RefusedManifest = "f" + Clustering.WireBinary.Format;
    private const string JoinedManifest = "j" + Clustering.WireBinary.Format;
    private const string StreamInfoManifest = "i" + Clustering.WireBinary.Format;
    private const string ConsumerInfoManifest = "c" + Clustering.WireBinary.Format;

    private readonly ExtendedActorSystem _system;

    public StreamWireSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _system = system;
    }

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        StreamEntityEnvelope => EnvelopeManifest,
        StreamProtocol.Append => AppendManifest,
        StreamProtocol.Subscribe => SubscribeManifest,
        BrokerProtocol.Leave => LeaveManifest,
        BrokerProtocol.Settle => SettleManifest,
        StreamProtocol.GetInfo => GetInfoManifest,
        ChannelProtocol.Reply => ReplyManifest,
        ChannelProtocol.ReplyBatch => ReplyBatchManifest,
        BrokerProtocol.Subscribed => SubscribedManifest,
        BrokerProtocol.Deliver => DeliverManifest,
        BrokerProtocol.DeliverBatch => DeliverBatchManifest,
        StreamProtocol.Refused => RefusedManifest,
        StreamProtocol.Joined => JoinedManifest,
        StreamInfo => StreamInfoManifest,
        StreamConsumerInfo => ConsumerInfoManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a stream message of OpsClaw", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => Clustering.WireBinary.Write(writer => WriteMessage(writer, obj));

    public override object FromBinary(byte[] bytes, string manifest) => ReadWhole(bytes, manifest, reader => ReadMessage(reader, manifest));

    private void WriteMessage(BinaryWriter writer, object message)
    {
        switch (message)
        {
            case StreamEntityEnvelope envelope:
                writer.Write(envelope.Stream);
                WriteOptional(writer, envelope.Durable);
                writer.Write(Manifest(envelope.Message));
                WriteMessage(writer, envelope.Message);
                break;
            case StreamProtocol.Append append:
                writer.Write(append.Entries.Length);
                foreach (var entry in append.Entries)
                {
                    Write(writer, entry.Request);
                    Write(writer, entry.ReplyTo);
                    Write(writer, entry.Message);
                    writer.Write(entry.Matched);
                }

                break;
            case StreamProtocol.Subscribe subscribe:
                writer.Write(subscribe.Member.Id.Value);
                Write(writer, subscribe.Member.Connection);
                writer.Write(subscribe.Member.Subscription);
                writer.Write(subscribe.Member.MaxPending);
                Write(writer, subscribe.Request);
                writer.Write(subscribe.Topic.Text);
                writer.Write((int)subscribe.Start.Kind);
                writer.Write(subscribe.Start.Seq);
                Write(writer, subscribe.Owner);
                break;
            case BrokerProtocol.Leave leave:
                writer.Write(leave.Id.Value);
                break;
            case BrokerProtocol.Settle settle:
                writer.Write(settle.Member.Value);
                Write(writer, settle.Request);
                writer.Write(settle.Subscription);
                writer.Write(settle.Delivery);
                writer.Write((int)settle.Kind);
                Write(writer, settle.ReplyTo);
                break;
            case StreamProtocol.GetInfo:
                break;
            case ChannelProtocol.Reply reply:
                Write(writer, reply);
                break;
            case ChannelProtocol.ReplyBatch batch:
                writer.Write(batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    Write(writer, batch.Replies[i]);
                }

                break;
            case BrokerProtocol.Subscribed subscribed:
                writer.Write(subscribed.Key.Value);
                writer.Write(subscribed.Subscription);
                writer.Write(subscribed.AfterRequest);
                writer.Write((int)subscribed.Ack);
                writer.Write(subscribed.MaxPending);
                break;
            case BrokerProtocol.Deliver deliver:
                Write(writer, deliver);
                break;
            case BrokerProtocol.DeliverBatch batch:
                writer.Write(batch.Deliveries.Length);
                foreach (var deliver in batch.Deliveries)
                {
                    Write(writer, deliver);
                }

                break;
            case StreamProtocol.Refused refused:
                writer.Write(refused.Id.Value);
                break;
            case StreamProtocol.Joined joined:
                writer.Write(joined.Id.Value);
                break;
            case StreamInfo info:
                writer.Write(info.Name);
                WriteStrings(writer, info.Subjects);
                writer.Write(info.Status);
                writer.Write(info.FirstSeq);
                writer.Write(info.LastSeq);
                writer.Write(info.Messages);
                writer.Write(info.Bytes);
                writer.Write(info.Consumers.Count);
                foreach (var consumer in info.Consumers)
                {
                    Write(writer, consumer);
                }

                break;
            case StreamConsumerInfo consumer:
                Write(writer, consumer);
                break;
            default:
                throw new ArgumentException($"{message.GetType()} is not a stream message of OpsClaw", nameof(message));
        }
    }

    private object ReadMessage(BinaryReader reader, string manifest)
    {
        switch (manifest)
        {
            case EnvelopeManifest:
                var stream = reader.ReadString();
                var durable = ReadOptional(reader);
                var inner = reader.ReadString();
                return inner == EnvelopeManifest
                    ? throw new SerializationException("an OpsClaw stream envelope holds another envelope")
                    : new StreamEntityEnvelope(stream, durable, ReadMessage(reader, inner));
            case AppendManifest:
                return new StreamProtocol.Append(ReadArray(reader, entry => new StreamProtocol.Appending(ReadRequest(entry), ReadRef(entry), ReadPublished(entry), entry.ReadInt32())));
            case SubscribeManifest:
                var id = new SubscriptionId(reader.ReadInt64());
                var member = new BrokerProtocol.Member(id, ReadRef(reader), reader.ReadString(), reader.ReadInt32(), StatsDirectory.Get(_system).For(id));
                var request = ReadRequest(reader);
                var topic = ReadPattern(reader);
                var start = new StreamStart(ReadEnum<StreamStartKind>(reader), reader.ReadInt64());
                return new StreamProtocol.Subscribe(member, request, topic, start, ReadRef(reader));
            case LeaveManifest:
                return new BrokerProtocol.Leave(new SubscriptionId(reader.ReadInt64()));
            case SettleManifest:
                return new BrokerProtocol.Settle(
                    new SubscriptionId(reader.ReadInt64()), ReadRequest(reader), reader.ReadString(), reader.ReadInt64(), ReadEnum<BrokerProtocol.SettleKind>(reader), ReadRef(reader));
            case GetInfoManifest:
                return StreamProtocol.GetInfo.Instance;
            case ReplyManifest:
                return ReadReply(reader);
            case ReplyBatchManifest:
                var replies = ReadArray(reader, ReadReply);
                return new ChannelProtocol.ReplyBatch(replies, replies.Length);
            case SubscribedManifest:
                var key = new SubscriptionId(reader.ReadInt64());
                return new BrokerProtocol.Subscribed(
                    key, reader.ReadString(), reader.ReadInt64(), ReadEnum<AckMode>(reader), reader.ReadInt32(), StatsDirectory.Get(_system).For(key));
            case DeliverManifest:
                return ReadDeliver(reader);
            case DeliverBatchManifest:
                return new BrokerProtocol.DeliverBatch(ReadArray(reader, ReadDeliver));
            case RefusedManifest:
                return new StreamProtocol.Refused(new SubscriptionId(reader.ReadInt64()));
            case JoinedManifest:
                return new StreamProtocol.Joined(new SubscriptionId(reader.ReadInt64()));
            case StreamInfoManifest:
                var name = reader.ReadString();
                var subjects = ReadArray(reader, text => text.ReadString());
                var status = reader.ReadString();
                var (firstSeq, lastSeq, messages, bytes) = (reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
                return new StreamInfo(name, subjects, status, firstSeq, lastSeq, messages, bytes, ReadArray(reader, ReadConsumer));
            case ConsumerInfoManifest:
                return ReadConsumer(reader);
            default:
                throw UnknownManifest(manifest);
        }
    }

    private static void Write(BinaryWriter writer, ChannelProtocol.Request request)
    {
        writer.Write(request.Id);
        writer.Write(request.Envelope.MessageType);
        WriteOptional(writer, request.Envelope.RunId);
        writer.Write(request.Envelope.PayloadJson);
    }

    private static ChannelProtocol.Request ReadRequest(BinaryReader reader) =>
        new(reader.ReadInt64(), new IpcRequest(reader.ReadString(), ReadOptional(reader), reader.ReadString()));

    private static void Write(BinaryWriter writer, ChannelProtocol.Reply reply)
    {
        writer.Write(reply.Id);
        var response = reply.Response;
        writer.Write(response.MessageType);
        WriteOptional(writer, response.RunId);
        writer.Write(response.PayloadJson);
        writer.Write(response.Ok);
        WriteOptional(writer, response.Error);
        WriteOptional(writer, response.ErrorCode);
    }

    private static ChannelProtocol.Reply ReadReply(BinaryReader reader) =>
        new(reader.ReadInt64(), new IpcResponse(reader.ReadString(), ReadOptional(reader), reader.ReadString(), reader.ReadBoolean(), ReadOptional(reader), ReadOptional(reader)));

    private static void Write(BinaryWriter writer, PublishedMessage message)
    {
        writer.Write(message.Topic);
        writer.Write(message.Body);
        WriteOptional(writer, message.Key);
        WriteOptional(writer, message.RunId);
        WriteOptional(writer, message.Stream);
        writer.Write(message.Seq);
        writer.Write(message.Missed);
        writer.Write(message.Redelivered);
    }

    /// <remarks>A stream's messages have no cluster origin: that is for live group messages, which travel as <see cref="Clustering.RemotePublish"/>.</remarks>
    private static PublishedMessage ReadPublished(BinaryReader reader) =>
        new(reader.ReadString(), reader.ReadString(), ReadOptional(reader), ReadOptional(reader))
        {
            Stream = ReadOptional(reader),
            Seq = reader.ReadInt64(),
            Missed = reader.ReadInt64(),
            Redelivered = reader.ReadBoolean(),
        };

    private static void Write(BinaryWriter writer, BrokerProtocol.Deliver deliver)
    {
        writer.Write(deliver.Key.Value);
        Write(writer, deliver.Message);
        writer.Write(deliver.Delivery);
        writer.Write(deliver.Redelivered);
    }

    private static BrokerProtocol.Deliver ReadDeliver(BinaryReader reader) =>
        new(new SubscriptionId(reader.ReadInt64()), ReadPublished(reader), reader.ReadInt64(), reader.ReadBoolean());

    private static void Write(BinaryWriter writer, StreamConsumerInfo consumer)
    {
        writer.Write(consumer.Name);
        writer.Write(consumer.Topic);
        writer.Write(consumer.AckedSeq);
        writer.Write(consumer.Pending);
        writer.Write(consumer.Members);
    }

    private static StreamConsumerInfo ReadConsumer(BinaryReader reader) =>
        new(reader.ReadString(), reader.ReadString(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32());

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> texts)
    {
        writer.Write(texts.Count);
        foreach (var text in texts)
        {
            writer.Write(text);
        }
    }

    private static void Write(BinaryWriter writer, IActorRef actor) => writer.Write(Serialization.SerializedActorPath(actor));

    private IActorRef ReadRef(BinaryReader reader) => _system.Provider.ResolveActorRef(reader.ReadString());

    private static TopicPattern ReadPattern(BinaryReader reader)
    {
        var text = reader.ReadString();
        return TopicPattern.TryParse(text, out var pattern, out var problem)
            ? pattern
            : throw new SerializationException($"an OpsClaw stream message holds the pattern '{text}': {problem}");
    }

    private static T ReadEnum<T>(BinaryReader reader)
        where T : struct, Enum
    {
        var value = reader.ReadInt32();
        return Enum.IsDefined(typeof(T), value)
            ? (T)(object)value
            : throw new SerializationException($"an OpsClaw stream message holds {value}, not a {typeof(T).Name}");
    }
}
