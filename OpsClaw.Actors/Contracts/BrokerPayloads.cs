using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpsClaw.Actors.Contracts;

/// <summary><c>runtime.publish</c>: a message for every subscription whose pattern matches <paramref name="Topic"/>.</summary>
/// <param name="Topic">1–255 bytes of <c>.</c>-separated tokens of <c>A–Z a–z 0–9 _ -</c>; no wildcards.</param>
/// <param name="Body">Any JSON value; subscribers receive it byte for byte as compact JSON.</param>
/// <param name="Key">At most 255 bytes: messages with the same key go to the same queue-group member while the group's membership stays the same.</param>
public sealed record PublishPayload(
    [property: JsonProperty("topic", Required = Required.Always)] string Topic,
    [property: JsonProperty("body", Required = Required.AllowNull)] JToken? Body,
    [property: JsonProperty("key", NullValueHandling = NullValueHandling.Ignore)] string? Key = null);

/// <summary>The reply of <c>runtime.publish</c>.</summary>
/// <param name="Matched">Deliveries the publish made: one per matching subscription without a group, one per matching group.</param>
public sealed record PublishAckPayload([property: JsonProperty("matched", Required = Required.Always)] int Matched);

/// <summary><c>runtime.subscribe</c>: deliveries of every message published to a topic the pattern matches, pushed as <c>runtime.message</c> lines.</summary>
/// <param name="Topic">The pattern: a topic whose tokens may also be <c>*</c> (one token) or, last, <c>&gt;</c> (one or more).</param>
/// <param name="Group">A queue group name (1–255 bytes): subscriptions with the same group and pattern share the messages, each to one member.</param>
/// <param name="Ack"><c>none</c> (the default: at most once) or <c>explicit</c> (at least once: each delivery acked, else delivered again).</param>
/// <param name="MaxPending">Deliveries held for the subscription at once, 1–65536 (default 1000): unwritten ones with <c>ack: none</c>, unacknowledged ones with <c>explicit</c>.</param>
public sealed record SubscribePayload(
    [property: JsonProperty("topic", Required = Required.Always)] string Topic,
    [property: JsonProperty("group", NullValueHandling = NullValueHandling.Ignore)] string? Group = null,
    [property: JsonProperty("ack", NullValueHandling = NullValueHandling.Ignore)] string? Ack = null,
    [property: JsonProperty("max_pending", NullValueHandling = NullValueHandling.Ignore)] int? MaxPending = null);

/// <summary>The reply of <c>runtime.subscribe</c>.</summary>
/// <param name="Subscription">The subscription's id, unique on its connection; every delivery, ack and nack names it.</param>
public sealed record SubscribeAckPayload([property: JsonProperty("subscription", Required = Required.Always)] string Subscription);

/// <summary><c>runtime.unsubscribe</c>: ends a subscription of this connection (replied with <c>{}</c>).</summary>
/// <param name="Subscription">The id its subscribe ack gave.</param>
public sealed record UnsubscribePayload([property: JsonProperty("subscription", Required = Required.Always)] string Subscription);

/// <summary><c>runtime.ack</c>: settles one delivery (<paramref name="Delivery"/>) or every one up to a number (<paramref name="UpTo"/>); exactly one of the two.</summary>
/// <param name="Subscription">The explicit-ack subscription.</param>
/// <param name="Delivery">The delivery number to acknowledge.</param>
/// <param name="UpTo">Acknowledge every unacknowledged delivery numbered up to this one.</param>
public sealed record AckPayload(
    [property: JsonProperty("subscription", Required = Required.Always)] string Subscription,
    [property: JsonProperty("delivery", NullValueHandling = NullValueHandling.Ignore)] long? Delivery = null,
    [property: JsonProperty("up_to", NullValueHandling = NullValueHandling.Ignore)] long? UpTo = null);

/// <summary><c>runtime.nack</c>: hands a delivery back; it is delivered again (<c>redelivered: true</c>).</summary>
/// <param name="Subscription">The explicit-ack subscription.</param>
/// <param name="Delivery">The delivery number handed back.</param>
public sealed record NackPayload(
    [property: JsonProperty("subscription", Required = Required.Always)] string Subscription,
    [property: JsonProperty("delivery", Required = Required.Always)] long Delivery);

/// <summary>The payload of a pushed <c>runtime.message</c> line, its fields always in this order.</summary>
/// <param name="Subscription">The subscription it is for.</param>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Delivery">The subscription's delivery number: 1, 2, 3, … strictly increasing, a redelivery included.</param>
/// <param name="Redelivered">Whether the message was delivered before (to this or another member).</param>
/// <param name="Body">The published body.</param>
/// <param name="Key">The publish's key, when it had one.</param>
/// <param name="Dropped">With <c>ack: none</c>: deliveries dropped for this subscription since its previous delivery (absent when none).</param>
public sealed record DeliveryPayload(
    [property: JsonProperty("subscription", Required = Required.Always)] string Subscription,
    [property: JsonProperty("topic", Required = Required.Always)] string Topic,
    [property: JsonProperty("delivery", Required = Required.Always)] long Delivery,
    [property: JsonProperty("redelivered", Required = Required.Always)] bool Redelivered,
    [property: JsonProperty("body", Required = Required.AllowNull)] JToken? Body,
    [property: JsonProperty("key", NullValueHandling = NullValueHandling.Ignore)] string? Key = null,
    [property: JsonProperty("dropped", NullValueHandling = NullValueHandling.Ignore)] long? Dropped = null);
