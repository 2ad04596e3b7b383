using System.Text;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>The payload reader fed from text, as specs write payloads; the host feeds it the decoder's UTF-8.</summary>
internal static class BrokerPayloadReaderText
{
    public static PayloadRead<PublishRequest> ReadPublish(this BrokerPayloadReader reader, string payloadJson) =>
        reader.ReadPublish(Encoding.UTF8.GetBytes(payloadJson));

    public static PayloadRead<SubscribeRequest> ReadSubscribe(this BrokerPayloadReader reader, string payloadJson) =>
        reader.ReadSubscribe(Encoding.UTF8.GetBytes(payloadJson));

    public static PayloadRead<UnsubscribeRequest> ReadUnsubscribe(this BrokerPayloadReader reader, string payloadJson) =>
        reader.ReadUnsubscribe(Encoding.UTF8.GetBytes(payloadJson));

    public static PayloadRead<AckRequest> ReadAck(this BrokerPayloadReader reader, string payloadJson) =>
        reader.ReadAck(Encoding.UTF8.GetBytes(payloadJson));

    public static PayloadRead<NackRequest> ReadNack(this BrokerPayloadReader reader, string payloadJson) =>
        reader.ReadNack(Encoding.UTF8.GetBytes(payloadJson));

    public static PayloadRead<PublishedMessage> ReadForward(this BrokerPayloadReader reader, string payloadJson, string? runId) =>
        reader.ReadForward(Encoding.UTF8.GetBytes(payloadJson), runId);
}
