using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// Builds the <c>runtime.message</c> line a subscriber is pushed for one delivery: a response
/// envelope (all seven fields, written by the same encoder as every reply) whose <c>payload_json</c>
/// holds, in this order, <c>subscription</c>, <c>topic</c>, <c>delivery</c>, <c>redelivered</c>,
/// <c>body</c> (the published JSON as it is), then <c>key</c> if the message has one,
/// <c>dropped</c> if it is not zero, and <c>stream</c> and <c>seq</c> for a message read from a stream. Clients may rely on the order, so it is fixed here, not left to a serializer.
/// </summary>
internal static class DeliveryEncoder
{
    public const string SubscriptionField = "subscription";
    public const string TopicField = "topic";
    public const string DeliveryField = "delivery";
    public const string RedeliveredField = "redelivered";
    public const string BodyField = "body";
    public const string KeyField = "key";
    public const string DroppedField = "dropped";
    public const string StreamField = "stream";
    public const string SeqField = "seq";

    /// <summary>A builder grown past this by one huge body is dropped afterwards rather than kept for the thread's life.</summary>
    private const int RetainedChars = 32 * 1024;

    /// <summary>One reusable builder per thread: deliveries are encoded on whichever thread runs the subscription's actor.</summary>
    [ThreadStatic]
    private static StringWriter? t_text;

    /// <summary>The delivery line's envelope; its <c>run_id</c> is the publisher's.</summary>
    /// <param name="subscription">The subscription's id on its connection (the wire's string, not a <see cref="SubscriptionId"/>).</param>
    /// <param name="message">The message delivered.</param>
    /// <param name="delivery">The subscription's delivery number, from 1.</param>
    /// <param name="redelivered">Whether the message was delivered before (to this or another member).</param>
    /// <param name="dropped">Deliveries dropped for this subscription since its last delivery; left out when 0.</param>
    public static IpcResponse Response(string subscription, PublishedMessage message, long delivery, bool redelivered, long dropped = 0) =>
        IpcResponse.Success(MessageTypes.RuntimeMessage, message.RunId, Payload(subscription, message, delivery, redelivered, dropped));

    /// <summary>The delivery's <c>payload_json</c>, compact.</summary>
    public static string Payload(string subscription, PublishedMessage message, long delivery, bool redelivered, long dropped = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delivery, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(dropped);

        var text = t_text ??= new StringWriter(new StringBuilder(256), CultureInfo.InvariantCulture);
        var builder = text.GetStringBuilder();
        builder.Clear();
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false, ArrayPool = PooledChars.Instance })
        {
            writer.WriteStartObject();
            writer.WritePropertyName(SubscriptionField);
            writer.WriteValue(subscription);
            writer.WritePropertyName(TopicField);
            writer.WriteValue(message.Topic);
            writer.WritePropertyName(DeliveryField);
            writer.WriteValue(delivery);
            writer.WritePropertyName(RedeliveredField);
            writer.WriteValue(redelivered);

            // Raw: the body is already compact JSON, and re-serializing it would change what the publisher wrote.
            writer.WritePropertyName(BodyField);
            writer.WriteRawValue(message.Body);
            if (message.Key is { } key)
            {
                writer.WritePropertyName(KeyField);
                writer.WriteValue(key);
            }

            if (dropped != 0)
            {
                writer.WritePropertyName(DroppedField);
                writer.WriteValue(dropped);
            }

            if (message.Stream is { } stream)
            {
                writer.WritePropertyName(StreamField);
                writer.WriteValue(stream);
                writer.WritePropertyName(SeqField);
                writer.WriteValue(message.Seq);
            }

            writer.WriteEndObject();
        }

        var payload = builder.ToString();
        if (builder.Capacity > RetainedChars)
        {
            t_text = null;
        }

        return payload;
    }
}
