using Newtonsoft.Json.Linq;
using OpsClaw.Actors;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Fuzz;

/// <summary>
/// What must hold for any payload the broker reads (docs/protocol.md §9.2): each reader answers
/// rather than throws, an accepted publish has a valid topic and a body that is one compact JSON
/// value, and a delivery made from it survives the trip to the subscriber with its body intact.
/// </summary>
internal static class BrokerPayloadChecks
{
    public static void Check(IpcRequest request)
    {
        // A reader reuses its field readers, so each check has its own, as each broker actor does.
        var reader = new BrokerPayloadReader(CodecHarness.MaxJsonDepth);
        var payload = request.PayloadUtf8;
        PayloadRead<PublishRequest> publish;
        try
        {
            publish = reader.ReadPublish(payload);
            reader.ReadSubscribe(payload);
            reader.ReadUnsubscribe(payload);
            reader.ReadAck(payload);
            reader.ReadNack(payload);
            reader.ReadForward(payload, request.RunId);
        }
        catch (Exception ex)
        {
            // A throw here would fail the broker actor instead of answering invalid_payload.
            throw new InvariantViolation($"a broker payload reader threw {ex.GetType().Name}: {ex.Message}\n{ex}");
        }

        if (publish.Value is { } message)
        {
            CheckPublish(message, request.RunId);
        }
    }

    private static void CheckPublish(PublishRequest publish, string? runId)
    {
        if (TopicSyntax.CheckTopic(publish.Topic) is { } problem)
        {
            throw new InvariantViolation($"an accepted publish has a bad topic '{publish.Topic}': {problem}");
        }

        var body = Parse(publish.Body);

        var delivery = DeliveryEncoder.Response("s1", publish.ToMessage(runId), 1, redelivered: false);
        var line = WireLine.CheckShape(IpcCodec.EncodeResponse(delivery), "delivery");
        var read = IpcCodec.DecodeResponse(line);
        if (read != delivery)
        {
            throw new InvariantViolation($"a delivery changed on the wire: sent {delivery}, read back {read}");
        }

        if (!JToken.DeepEquals(Parse(read.PayloadJson)["body"], body))
        {
            throw new InvariantViolation($"a delivery's body differs from the published one: {read.PayloadJson} vs {publish.Body}");
        }
    }

    private static JToken Parse(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json)) { MaxDepth = CodecHarness.MaxJsonDepth + 2 };
        return JToken.ReadFrom(reader);
    }
}
