using System.Text;
using Newtonsoft.Json;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>
/// The payload reader fed from text, as specs write payloads. Each read is made twice: from the
/// payload alone, and as the host makes it, from a decoded request line with the members its decoder
/// noted; both must give the same value or the same problem.
/// </summary>
internal static class BrokerPayloadReaderText
{
    private static readonly IpcCodec Codec = new();

    public static PayloadRead<PublishRequest> ReadPublish(this BrokerPayloadReader reader, string payloadJson) =>
        Both(payloadJson, (payload, members) => reader.ReadPublish(payload, members));

    public static PayloadRead<SubscribeRequest> ReadSubscribe(this BrokerPayloadReader reader, string payloadJson) =>
        Both(payloadJson, (payload, members) => reader.ReadSubscribe(payload, members));

    public static PayloadRead<UnsubscribeRequest> ReadUnsubscribe(this BrokerPayloadReader reader, string payloadJson) =>
        Both(payloadJson, (payload, members) => reader.ReadUnsubscribe(payload, members));

    public static PayloadRead<AckRequest> ReadAck(this BrokerPayloadReader reader, string payloadJson) =>
        Both(payloadJson, (payload, members) => reader.ReadAck(payload, members));

    public static PayloadRead<NackRequest> ReadNack(this BrokerPayloadReader reader, string payloadJson) =>
        Both(payloadJson, (payload, members) => reader.ReadNack(payload, members));

    public static PayloadRead<PublishedMessage> ReadForward(this BrokerPayloadReader reader, string payloadJson, string? runId) =>
        reader.ReadForward(Encoding.UTF8.GetBytes(payloadJson), runId);

    private static PayloadRead<T> Both<T>(string payloadJson, Func<ReadOnlySpan<byte>, PayloadMember[]?, PayloadRead<T>> read)
        where T : class
    {
        var alone = read(Encoding.UTF8.GetBytes(payloadJson), null);
        var line = "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"t\",\"payload_json\":" + JsonConvert.ToString(payloadJson) + "}";
        if (Codec.DecodeRequest(Encoding.UTF8.GetBytes(line)).Request is { PayloadMembers: { } members } request)
        {
            var noted = read(request.PayloadUtf8, members);
            Assert.Equal(alone.Problem, noted.Problem);
            Assert.Equal(JsonConvert.SerializeObject(alone.Value), JsonConvert.SerializeObject(noted.Value));
        }

        return alone;
    }
}
