using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary>The reply of <c>control.topics</c>: every pattern with at least one live subscription, ordered by pattern.</summary>
/// <param name="Patterns">The live patterns.</param>
public sealed record TopicsReport(
    [property: JsonProperty("patterns", Required = Required.Always)] IReadOnlyList<TopicPatternInfo> Patterns);

/// <summary>One live pattern: its subscriptions without a group, and its queue groups.</summary>
/// <param name="Pattern">The pattern's text.</param>
/// <param name="Subscriptions">Subscriptions without a group.</param>
/// <param name="Groups">Queue groups on this pattern, by name.</param>
public sealed record TopicPatternInfo(
    [property: JsonProperty("pattern", Required = Required.Always)] string Pattern,
    [property: JsonProperty("subscriptions", Required = Required.Always)] IReadOnlyList<SubscriptionInfo> Subscriptions,
    [property: JsonProperty("groups", Required = Required.Always)] IReadOnlyList<GroupInfo> Groups);

/// <summary>One queue group: its members and the messages waiting for one of them.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Ack"><c>none</c> or <c>explicit</c>, as its members subscribed.</param>
/// <param name="Queued">Messages accepted for the group and waiting for a member with room (explicit ack only).</param>
/// <param name="Members">The members.</param>
public sealed record GroupInfo(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("ack", Required = Required.Always)] string Ack,
    [property: JsonProperty("queued", Required = Required.Always)] long Queued,
    [property: JsonProperty("members", Required = Required.Always)] IReadOnlyList<SubscriptionInfo> Members);

/// <summary>One subscription and its figures since it was made.</summary>
/// <param name="Connection">The connection that holds it, as the host names it (<c>runtime/conn-12</c>).</param>
/// <param name="Subscription">Its id on that connection.</param>
/// <param name="Ack"><c>none</c> or <c>explicit</c>.</param>
/// <param name="MaxPending">Its <c>max_pending</c>.</param>
/// <param name="Pending">Deliveries held for it now: unwritten ones with <c>ack: none</c>, unacknowledged ones with <c>explicit</c>.</param>
/// <param name="Queued">Messages waiting for room in it (explicit ack without a group; a group's wait in the group).</param>
/// <param name="Delivered">Deliveries handed to it, redeliveries included.</param>
/// <param name="Redelivered">Of those, deliveries of a message delivered before.</param>
/// <param name="Dropped">Deliveries dropped because it held <c>max_pending</c> unwritten ones (<c>ack: none</c>).</param>
public sealed record SubscriptionInfo(
    [property: JsonProperty("connection", Required = Required.Always)] string Connection,
    [property: JsonProperty("subscription", Required = Required.Always)] string Subscription,
    [property: JsonProperty("ack", Required = Required.Always)] string Ack,
    [property: JsonProperty("max_pending", Required = Required.Always)] int MaxPending,
    [property: JsonProperty("pending", Required = Required.Always)] long Pending,
    [property: JsonProperty("queued", Required = Required.Always)] long Queued,
    [property: JsonProperty("delivered", Required = Required.Always)] long Delivered,
    [property: JsonProperty("redelivered", Required = Required.Always)] long Redelivered,
    [property: JsonProperty("dropped", Required = Required.Always)] long Dropped);

/// <summary>The broker's totals since the host started, in <c>control.status</c>.</summary>
/// <param name="Published">Publishes accepted (<c>runtime.forward</c> included).</param>
/// <param name="Delivered">Deliveries handed to subscribers, redeliveries included.</param>
/// <param name="Redelivered">Of those, redeliveries.</param>
/// <param name="Dropped">Deliveries dropped for slow <c>ack: none</c> subscribers.</param>
/// <param name="Refused">Publishes refused with <c>overloaded</c> because an explicit-ack queue was full.</param>
/// <param name="Subscriptions">Live subscriptions now.</param>
public sealed record BrokerTotals(
    [property: JsonProperty("published", Required = Required.Always)] long Published,
    [property: JsonProperty("delivered", Required = Required.Always)] long Delivered,
    [property: JsonProperty("redelivered", Required = Required.Always)] long Redelivered,
    [property: JsonProperty("dropped", Required = Required.Always)] long Dropped,
    [property: JsonProperty("refused", Required = Required.Always)] long Refused,
    [property: JsonProperty("subscriptions", Required = Required.Always)] long Subscriptions);
