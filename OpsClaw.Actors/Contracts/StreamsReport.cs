using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary>The reply of <c>control.streams</c>: every stream the configuration declares, by name.</summary>
/// <param name="Storage">Where streams are stored: <c>sqlite</c> or <c>postgresql</c>.</param>
/// <param name="Streams">The streams.</param>
public sealed record StreamsReport(
    [property: JsonProperty("storage", Required = Required.Always)] string Storage,
    [property: JsonProperty("streams", Required = Required.Always)] IReadOnlyList<StreamInfo> Streams);

/// <summary>One stream: the topics it stores, the range it retains, and its durable consumers.</summary>
/// <param name="Name">The stream's name.</param>
/// <param name="Subjects">The patterns whose topics it stores.</param>
/// <param name="Status"><c>ready</c>, <c>recovering</c> (reading its state at start), or <c>unavailable</c> (its storage failed; publishes to it are refused until it is back).</param>
/// <param name="FirstSeq">The oldest retained message's sequence number (last_seq + 1 when it holds none).</param>
/// <param name="LastSeq">The newest message's sequence number (0 before the first).</param>
/// <param name="Messages">Messages retained.</param>
/// <param name="Bytes">Their size: topic, body and key, in UTF-8 bytes.</param>
/// <param name="Consumers">Its durable consumers, by name.</param>
public sealed record StreamInfo(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("subjects", Required = Required.Always)] IReadOnlyList<string> Subjects,
    [property: JsonProperty("status", Required = Required.Always)] string Status,
    [property: JsonProperty("first_seq", Required = Required.Always)] long FirstSeq,
    [property: JsonProperty("last_seq", Required = Required.Always)] long LastSeq,
    [property: JsonProperty("messages", Required = Required.Always)] long Messages,
    [property: JsonProperty("bytes", Required = Required.Always)] long Bytes,
    [property: JsonProperty("consumers", Required = Required.Always)] IReadOnlyList<StreamConsumerInfo> Consumers);

/// <summary>One durable consumer of a stream.</summary>
/// <param name="Name">Its durable name.</param>
/// <param name="Topic">The pattern that filters the stream's messages for it.</param>
/// <param name="AckedSeq">Every message up to this sequence number is acknowledged (stored, so it survives a restart).</param>
/// <param name="Pending">Deliveries made and not yet acknowledged.</param>
/// <param name="Members">Subscriptions reading it now (0 when no client is connected).</param>
public sealed record StreamConsumerInfo(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("topic", Required = Required.Always)] string Topic,
    [property: JsonProperty("acked_seq", Required = Required.Always)] long AckedSeq,
    [property: JsonProperty("pending", Required = Required.Always)] long Pending,
    [property: JsonProperty("members", Required = Required.Always)] int Members);
