using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>The <c>payload_json</c> of each broker request the client sends (docs/protocol.md §9.2).</summary>
internal static class BrokerRequests
{
    /// <summary>As <see cref="DeliveryReader"/>: the host judges depth by its own limit.</summary>
    private static readonly JsonReaderOptions StrictJson = new() { MaxDepth = 1024 };

    /// <summary>
    /// <c>{"topic":T,"body":B,"key":K}</c> with the body written as given, or an
    /// <see cref="ArgumentException"/> when <paramref name="bodyJson"/> is not one strict JSON document
    /// (checked here, so the mistake is named as the body's rather than as the envelope's).
    /// </summary>
    public static string Publish(string topic, string bodyJson, string? key)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(bodyJson);
        if (JsonProblem(bodyJson) is { } problem)
        {
            throw new ArgumentException($"the body is not a JSON document: {problem}", nameof(bodyJson));
        }

        var output = new ArrayBufferWriter<byte>(bodyJson.Length + topic.Length + 32);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("topic"u8, topic);
            writer.WritePropertyName("body"u8);
            writer.WriteRawValue(bodyJson, skipInputValidation: true);
            if (key is not null)
            {
                writer.WriteString("key"u8, key);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>As <see cref="Publish(string, string, string?)"/> for a body already parsed.</summary>
    public static string Publish(string topic, JToken? body, string? key) =>
        Publish(topic, body is null ? "null" : body.ToString(Newtonsoft.Json.Formatting.None), key);

    public static string Subscribe(string pattern, SubscribeOptions options, int maxPending) =>
        IpcJson.SerializePayload(new SubscribePayload(
            pattern, options.Group, AckText(options.EffectiveAck), maxPending, options.Stream, options.Durable, options.Start?.ToJson()));

    public static string Unsubscribe(string subscription) => IpcJson.SerializePayload(new UnsubscribePayload(subscription));

    public static string Ack(string subscription, long delivery) => IpcJson.SerializePayload(new AckPayload(subscription, Delivery: delivery));

    public static string AckUpTo(string subscription, long upTo) => IpcJson.SerializePayload(new AckPayload(subscription, UpTo: upTo));

    public static string Nack(string subscription, long delivery) => IpcJson.SerializePayload(new NackPayload(subscription, delivery));

    /// <summary>The wire's name for an ack mode.</summary>
    public static string AckText(AckMode mode) => mode switch
    {
        AckMode.None => "none",
        AckMode.Explicit => "explicit",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an AckMode"),
    };

    /// <summary>Why <paramref name="json"/> is not exactly one strict JSON value (RFC 8259: no comments, no single quotes), or null when it is.</summary>
    public static string? JsonProblem(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        try
        {
            var reader = new Utf8JsonReader(bytes, StrictJson);
            if (!reader.Read())
            {
                return "it is empty";
            }

            reader.Skip();

            // A second value (or anything else after the first) makes the reader throw here.
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return ex.Message.Split(" LineNumber:", 2)[0].TrimEnd();
        }
    }
}
