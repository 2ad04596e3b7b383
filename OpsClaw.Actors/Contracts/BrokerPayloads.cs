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
/// <param name="Matched">Deliveries the publish made: one per matching subscription without a group, one per matching group (durable consumers of a stream are not counted).</param>
/// <param name="Stream">The stream the message was stored in before this reply, when its topic matches a stream's subjects.</param>
/// <param name="Seq">Its sequence number in that stream: 1, 2, 3, …</param>
public sealed record PublishAckPayload(
    [property: JsonProperty("matched", Required = Required.Always)] int Matched,
    [property: JsonProperty("stream", NullValueHandling = NullValueHandling.Ignore)] string? Stream = null,
    [property: JsonProperty("seq", NullValueHandling = NullValueHandling.Ignore)] long? Seq = null);

/// <summary><c>runtime.subscribe</c>: deliveries of every message published to a topic the pattern matches, pushed as <c>runtime.message</c> lines.</summary>
/// <param name="Topic">The pattern: a topic whose tokens may also be <c>*</c> (one token) or, last, <c>&gt;</c> (one or more).</param>
/// <param name="Group">A queue group name (1–255 bytes): subscriptions with the same group and pattern share the messages, each to one member.</param>
/// <param name="Ack"><c>none</c> (the default: at most once) or <c>explicit</c> (at least once: each delivery acked, else delivered again).</param>
/// <param name="MaxPending">Deliveries held for the subscription at once, 1–65536 (default 1000): unwritten ones with <c>ack: none</c>, unacknowledged ones with <c>explicit</c>.</param>
/// <param name="Stream">A declared stream to read from, with <paramref name="Durable"/>: the subscription is then a durable consumer (explicit ack), and <paramref name="Topic"/> filters the stream's messages.</param>
/// <param name="Durable">The durable consumer's name (1–128 characters of <c>A–Z a–z 0–9 _ -</c>): its acknowledged position is stored, and connections with the same name share its messages.</param>
/// <param name="Start">Where a new durable consumer starts: <c>"new"</c> (the default: messages stored from now on), <c>"all"</c>, or a sequence number. An existing one resumes after its acknowledged position.</param>
public sealed record SubscribePayload(
    [property: JsonProperty("topic", Required = Required.Always)] string Topic,
    [property: JsonProperty("group", NullValueHandling = NullValueHandling.Ignore)] string? Group = null,
    [property: JsonProperty("ack", NullValueHandling = NullValueHandling.Ignore)] string? Ack = null,
    [property: JsonProperty("max_pending", NullValueHandling = NullValueHandling.Ignore)] int? MaxPending = null,
    [property: JsonProperty("stream", NullValueHandling = NullValueHandling.Ignore)] string? Stream = null,
    [property: JsonProperty("durable", NullValueHandling = NullValueHandling.Ignore)] string? Durable = null,
    [property: JsonProperty("start", NullValueHandling = NullValueHandling.Ignore)] JToken? Start = null);

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
/// <param name="Dropped">With <c>ack: none</c>: deliveries dropped for this subscription since its previous delivery; from a stream: messages its retention deleted before this consumer read them (absent when none).</param>
/// <param name="Stream">The stream the message was read from (durable consumers only).</param>
/// <param name="Seq">Its sequence number in that stream.</param>
public sealed record DeliveryPayload(
    [property: JsonProperty("subscription", Required = Required.Always)] string Subscription,
    [property: JsonProperty("topic", Required = Required.Always)] string Topic,
    [property: JsonProperty("delivery", Required = Required.Always)] long Delivery,
    [property: JsonProperty("redelivered", Required = Required.Always)] bool Redelivered,
    [property: JsonProperty("body", Required = Required.AllowNull)] JToken? Body,
    [property: JsonProperty("key", NullValueHandling = NullValueHandling.Ignore)] string? Key = null,
    [property: JsonProperty("dropped", NullValueHandling = NullValueHandling.Ignore)] long? Dropped = null,
    [property: JsonProperty("stream", NullValueHandling = NullValueHandling.Ignore)] string? Stream = null,
    [property: JsonProperty("seq", NullValueHandling = NullValueHandling.Ignore)] long? Seq = null);
