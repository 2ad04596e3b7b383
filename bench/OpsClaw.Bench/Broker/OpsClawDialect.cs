using System.Text;
using Newtonsoft.Json;

namespace OpsClaw.Bench;

/// <summary>
/// The host's runtime socket: NDJSON envelopes (docs/protocol.md §2–§3) carrying the broker's
/// <c>runtime.publish</c>, <c>runtime.subscribe</c> and <c>runtime.ack</c>, and pushed
/// <c>runtime.message</c> lines told apart from replies by their <c>message_type</c>.
/// </summary>
internal sealed class OpsClawDialect(string server) : BrokerDialect
{
    private const string RunId = "bench";

    public override string Server { get; } = server;

    public override bool HasQueueGroups => true;

    public override bool HasAcks => true;

    public override bool CountsReceivers => true;

    private static ReadOnlySpan<byte> MessagePrefix => "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.message\","u8;

    private static ReadOnlySpan<byte> OkField => ",\"ok\":true,"u8;

    // Inside payload_json, which is a JSON string, so its quotes arrive escaped.
    private static ReadOnlySpan<byte> MatchedField => "\\\"matched\\\":"u8;

    private static ReadOnlySpan<byte> DeliveryField => "\\\"delivery\\\":"u8;

    private static ReadOnlySpan<byte> RedeliveredTrue => "\\\"redelivered\\\":true"u8;

    private static ReadOnlySpan<byte> DroppedField => "\\\"dropped\\\":"u8;

    private static ReadOnlySpan<byte> SubscriptionField => "\\\"subscription\\\":\\\""u8;

    public override Handshake PublisherHandshake() => new([], 0);

    public override Handshake Subscribe(string topic, string? group, bool explicitAck)
    {
        var payload = new StringBuilder("{\"topic\":").Append(JsonConvert.ToString(topic));
        if (group is not null)
        {
            payload.Append(",\"group\":").Append(JsonConvert.ToString(group));
        }

        payload.Append(",\"ack\":").Append(explicitAck ? "\"explicit\"" : "\"none\"").Append('}');
        return new(Envelope("runtime.subscribe", payload.ToString()), 1);
    }

    public override byte[] PublishFrame(string topic, ReadOnlySpan<byte> body) =>
        Envelope("runtime.publish", "{\"topic\":" + JsonConvert.ToString(topic) + ",\"body\":" + Encoding.UTF8.GetString(body) + "}");

    public override byte[] AckUpTo(string subscription, long upTo) =>
        Envelope("runtime.ack", "{\"subscription\":" + JsonConvert.ToString(subscription) + ",\"up_to\":" + upTo.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}");

    public override string SubscriptionId(ReadOnlySpan<byte> subscribeReply)
    {
        var start = subscribeReply.IndexOf(SubscriptionField);
        if (start < 0)
        {
            return "";
        }

        var id = subscribeReply[(start + SubscriptionField.Length)..];
        var end = id.IndexOf("\\\""u8);
        return end < 0 ? "" : Encoding.UTF8.GetString(id[..end]);
    }

    public override int Parse(ReadOnlySpan<byte> data, IFrameSink sink)
    {
        var consumed = 0;
        int newLine;
        while ((newLine = data[consumed..].IndexOf((byte)'\n')) >= 0)
        {
            var line = data.Slice(consumed, newLine + 1);
            consumed += newLine + 1;
            if (line.StartsWith(MessagePrefix))
            {
                sink.OnMessage(line, NumberAfter(line, DeliveryField, 0), NumberAfter(line, DroppedField, 0), line.IndexOf(RedeliveredTrue) >= 0);
            }
            else
            {
                sink.OnReply(line.IndexOf(OkField) >= 0, NumberAfter(line, MatchedField, -1), line);
            }
        }

        return consumed;
    }

    private static long NumberAfter(ReadOnlySpan<byte> line, ReadOnlySpan<byte> field, long absent)
    {
        var at = line.IndexOf(field);
        return at < 0 ? absent : LeadingNumber(line[(at + field.Length)..]);
    }

    /// <summary>One request line of <paramref name="messageType"/> carrying <paramref name="payload"/> (JSON text) as its payload_json.</summary>
    internal static byte[] Envelope(string messageType, string payload) => Encoding.UTF8.GetBytes(
        "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":" + JsonConvert.ToString(messageType) +
        ",\"run_id\":\"" + RunId + "\",\"payload_json\":" + JsonConvert.ToString(payload) + "}\n");
}
