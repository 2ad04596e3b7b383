using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpsClaw.Actors.Client;

/// <summary>The fields of one delivery payload, its body as the exact JSON text the host wrote.</summary>
internal readonly record struct DeliveryFields(
    string Subscription, string Topic, long Number, bool Redelivered, string Body, string? Key, long Dropped, string? Stream = null, long? Seq = null);

/// <summary>
/// Reads the <c>payload_json</c> of a pushed <c>runtime.message</c> line with the BCL's strict
/// UTF-8 reader, which gives each token's byte offsets: the body is cut out of the payload as the host
/// wrote it, never parsed and written again (a re-serializer could change <c>1e3</c> or <c>1.50</c>).
/// </summary>
internal static class DeliveryReader
{
    /// <summary>
    /// The host bounds nesting by its own <c>max-json-depth</c>, which may be set above the default;
    /// this reader is not recursive, so a generous bound costs nothing.
    /// </summary>
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 1024 };

    private static readonly byte[] SubscriptionName = "subscription"u8.ToArray();
    private static readonly byte[] TopicName = "topic"u8.ToArray();
    private static readonly byte[] DeliveryName = "delivery"u8.ToArray();
    private static readonly byte[] RedeliveredName = "redelivered"u8.ToArray();
    private static readonly byte[] BodyName = "body"u8.ToArray();
    private static readonly byte[] KeyName = "key"u8.ToArray();
    private static readonly byte[] DroppedName = "dropped"u8.ToArray();
    private static readonly byte[] StreamName = "stream"u8.ToArray();
    private static readonly byte[] SeqName = "seq"u8.ToArray();

    /// <summary>The delivery's fields, or null with what is wrong with the payload.</summary>
    public static DeliveryFields? Read(string payloadJson, out string? problem)
    {
        var bytes = Encoding.UTF8.GetBytes(payloadJson);
        try
        {
            return Scan(bytes, out problem);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            problem = ex.Message.Split(" LineNumber:", 2)[0].TrimEnd();
            return null;
        }
    }

    /// <summary>
    /// The payload with <c>dropped</c> set to <paramref name="dropped"/>: what the host would have sent
    /// had it dropped what this client dropped. The fields keep their order (docs/protocol.md §9.3).
    /// </summary>
    public static string WithDropped(DeliveryFields fields, long dropped)
    {
        var output = new ArrayBufferWriter<byte>(fields.Body.Length + 128);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString(SubscriptionName, fields.Subscription);
            writer.WriteString(TopicName, fields.Topic);
            writer.WriteNumber(DeliveryName, fields.Number);
            writer.WriteBoolean(RedeliveredName, fields.Redelivered);
            writer.WritePropertyName(BodyName);
            writer.WriteRawValue(fields.Body, skipInputValidation: true);
            if (fields.Key is { } key)
            {
                writer.WriteString(KeyName, key);
            }

            if (dropped != 0)
            {
                writer.WriteNumber(DroppedName, dropped);
            }

            if (fields.Stream is { } stream)
            {
                writer.WriteString(StreamName, stream);
            }

            if (fields.Seq is { } seq)
            {
                writer.WriteNumber(SeqName, seq);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static DeliveryFields? Scan(ReadOnlySpan<byte> bytes, out string? problem)
    {
        var reader = new Utf8JsonReader(bytes, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            problem = "it is not a JSON object";
            return null;
        }

        string? subscription = null, topic = null, body = null, key = null, stream = null;
        long? number = null, seq = null;
        bool? redelivered = null;
        long dropped = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(SubscriptionName))
            {
                subscription = NextString(ref reader);
            }
            else if (reader.ValueTextEquals(TopicName))
            {
                topic = NextString(ref reader);
            }
            else if (reader.ValueTextEquals(DeliveryName))
            {
                reader.Read();
                number = reader.GetInt64();
            }
            else if (reader.ValueTextEquals(RedeliveredName))
            {
                reader.Read();
                redelivered = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals(BodyName))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                body = Encoding.UTF8.GetString(bytes[start..(int)reader.BytesConsumed]);
            }
            else if (reader.ValueTextEquals(KeyName))
            {
                key = NextString(ref reader);
            }
            else if (reader.ValueTextEquals(DroppedName))
            {
                reader.Read();
                dropped = reader.GetInt64();
            }
            else if (reader.ValueTextEquals(StreamName))
            {
                stream = NextString(ref reader);
            }
            else if (reader.ValueTextEquals(SeqName))
            {
                reader.Read();
                seq = reader.GetInt64();
            }
            else
            {
                // A field a newer host added: skipped, as every client skips what it does not know.
                reader.Read();
                reader.Skip();
            }
        }

        problem = (subscription, topic, number, redelivered, body) switch
        {
            (null, _, _, _, _) => "it has no subscription",
            (_, null, _, _, _) => "it has no topic",
            (_, _, null, _, _) => "it has no delivery number",
            (_, _, _, null, _) => "it has no redelivered",
            (_, _, _, _, null) => "it has no body",
            _ => null,
        };
        return problem is null
            ? new DeliveryFields(subscription!, topic!, number!.Value, redelivered!.Value, body!, key, dropped, stream, seq)
            : null;
    }

    /// <summary>The next value, which must be a string: <see cref="InvalidOperationException"/> when it is not.</summary>
    private static string NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetString() ?? throw new InvalidOperationException($"expected a string, got {reader.TokenType}");
    }
}
