using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Contracts;

/// <summary>
/// One built-in message type: its request and reply types, and the CLR types of their payloads.
/// A null request payload type means the handler takes any JSON value.
/// </summary>
/// <param name="Channel">The channel that answers it: <c>runtime</c> or <c>control</c>.</param>
/// <param name="RequestType">The request's <c>message_type</c>.</param>
/// <param name="ReplyType">The reply's <c>message_type</c>.</param>
/// <param name="RequestPayload">The request payload's type; null when any JSON value is taken.</param>
/// <param name="ReplyPayload">The reply payload's type.</param>
public sealed record MessageContract(string Channel, string RequestType, string ReplyType, Type? RequestPayload, Type ReplyPayload);

/// <summary>
/// Every built-in message type with its payload types: the one list the JSON Schema (and from it the
/// SDK's TypeScript types) is generated from.
/// </summary>
public static class PayloadCatalog
{
    /// <summary>The message types of the built-in runtime and control channels, in the order of docs/api-reference.md.</summary>
    public static IReadOnlyList<MessageContract> BuiltIn { get; } =
    [
        new("runtime", MessageTypes.RuntimePing, MessageTypes.RuntimePong, typeof(EmptyPayload), typeof(StatusPayload)),
        new("runtime", MessageTypes.RuntimeForward, MessageTypes.RuntimeForwardAck, null, typeof(AcceptedPayload)),
        new("runtime", MessageTypes.RuntimePublish, MessageTypes.RuntimePublishAck, typeof(PublishPayload), typeof(PublishAckPayload)),
        new("runtime", MessageTypes.RuntimeSubscribe, MessageTypes.RuntimeSubscribeAck, typeof(SubscribePayload), typeof(SubscribeAckPayload)),
        new("runtime", MessageTypes.RuntimeUnsubscribe, MessageTypes.RuntimeUnsubscribeAck, typeof(UnsubscribePayload), typeof(EmptyPayload)),
        new("runtime", MessageTypes.RuntimeAck, MessageTypes.RuntimeAckOk, typeof(AckPayload), typeof(EmptyPayload)),
        new("runtime", MessageTypes.RuntimeNack, MessageTypes.RuntimeNackOk, typeof(NackPayload), typeof(EmptyPayload)),
        new("control", MessageTypes.ControlHealth, MessageTypes.ControlHealthOk, typeof(EmptyPayload), typeof(StatusPayload)),
        new("control", MessageTypes.ControlStop, MessageTypes.ControlStopAck, typeof(EmptyPayload), typeof(StopPayload)),
        new("control", MessageTypes.ControlChannels, MessageTypes.ControlChannelsOk, typeof(EmptyPayload), typeof(ChannelsReport)),
        new("control", MessageTypes.ControlStatus, MessageTypes.ControlStatusOk, typeof(EmptyPayload), typeof(StatusReport)),
        new("control", MessageTypes.ControlTopics, MessageTypes.ControlTopicsOk, typeof(EmptyPayload), typeof(TopicsReport)),
        new("control", MessageTypes.ControlStreams, MessageTypes.ControlStreamsOk, typeof(EmptyPayload), typeof(StreamsReport)),
        new("control", MessageTypes.ControlCluster, MessageTypes.ControlClusterOk, typeof(EmptyPayload), typeof(ClusterReport)),
    ];

    /// <summary>What the host pushes unasked: <c>runtime.message</c>, a delivery to a subscriber (docs/protocol.md §9.3).</summary>
    public static IReadOnlyDictionary<string, Type> Pushed { get; } =
        new Dictionary<string, Type>(StringComparer.Ordinal) { [MessageTypes.RuntimeMessage] = typeof(DeliveryPayload) };
}
