namespace OpsClaw.Actors.Protocol;

/// <summary>The built-in message types of docs/protocol.md §5 and the broker's of §9.</summary>
public static class MessageTypes
{
    /// <summary><c>runtime.ping</c>: a liveness check, answered <see cref="RuntimePong"/> with <c>{"status":"ok"}</c>.</summary>
    public const string RuntimePing = "runtime.ping";

    /// <summary><c>runtime.pong</c>: the reply to <see cref="RuntimePing"/>.</summary>
    public const string RuntimePong = "runtime.pong";

    /// <summary><c>runtime.forward</c>: the forward entry point; any payload, answered <see cref="RuntimeForwardAck"/>.</summary>
    public const string RuntimeForward = "runtime.forward";

    /// <summary><c>runtime.forward.ack</c>: the reply to <see cref="RuntimeForward"/>, <c>{"accepted":true}</c>.</summary>
    public const string RuntimeForwardAck = "runtime.forward.ack";

    /// <summary><c>control.health</c>: a health check, answered <see cref="ControlHealthOk"/> with <c>{"status":"healthy"}</c>.</summary>
    public const string ControlHealth = "control.health";

    /// <summary><c>control.health.ok</c>: the reply to <see cref="ControlHealth"/>.</summary>
    public const string ControlHealthOk = "control.health.ok";

    /// <summary><c>control.stop</c>: asks the host to stop gracefully, after it has answered.</summary>
    public const string ControlStop = "control.stop";

    /// <summary><c>control.stop.ack</c>: the reply to <see cref="ControlStop"/>, <c>{"stop":"requested"}</c>.</summary>
    public const string ControlStopAck = "control.stop.ack";

    /// <summary><c>control.channels</c>: asks which channels the host serves.</summary>
    public const string ControlChannels = "control.channels";

    /// <summary><c>control.channels.ok</c>: the reply to <see cref="ControlChannels"/>, a <c>ChannelsReport</c>.</summary>
    public const string ControlChannelsOk = "control.channels.ok";

    /// <summary><c>control.status</c>: asks for the host's live figures.</summary>
    public const string ControlStatus = "control.status";

    /// <summary><c>control.status.ok</c>: the reply to <see cref="ControlStatus"/>, a <c>StatusReport</c>.</summary>
    public const string ControlStatusOk = "control.status.ok";

    /// <summary><c>runtime.publish</c>: publishes <c>{"topic","body","key"?}</c>, answered <see cref="RuntimePublishAck"/> with <c>{"matched":N}</c>.</summary>
    public const string RuntimePublish = "runtime.publish";

    /// <summary><c>runtime.publish.ack</c>: the reply to <see cref="RuntimePublish"/>.</summary>
    public const string RuntimePublishAck = "runtime.publish.ack";

    /// <summary><c>runtime.subscribe</c>: subscribes the connection to a topic pattern, answered <see cref="RuntimeSubscribeAck"/>.</summary>
    public const string RuntimeSubscribe = "runtime.subscribe";

    /// <summary><c>runtime.subscribe.ack</c>: the reply to <see cref="RuntimeSubscribe"/>, <c>{"subscription":S}</c>.</summary>
    public const string RuntimeSubscribeAck = "runtime.subscribe.ack";

    /// <summary><c>runtime.unsubscribe</c>: ends one of the connection's subscriptions.</summary>
    public const string RuntimeUnsubscribe = "runtime.unsubscribe";

    /// <summary><c>runtime.unsubscribe.ack</c>: the reply to <see cref="RuntimeUnsubscribe"/>, <c>{}</c>.</summary>
    public const string RuntimeUnsubscribeAck = "runtime.unsubscribe.ack";

    /// <summary><c>runtime.ack</c>: acknowledges one delivery (or every one up to a number) of an explicit-ack subscription.</summary>
    public const string RuntimeAck = "runtime.ack";

    /// <summary><c>runtime.ack.ok</c>: the reply to <see cref="RuntimeAck"/>, <c>{}</c>.</summary>
    public const string RuntimeAckOk = "runtime.ack.ok";

    /// <summary><c>runtime.nack</c>: hands a delivery back to be delivered again.</summary>
    public const string RuntimeNack = "runtime.nack";

    /// <summary><c>runtime.nack.ok</c>: the reply to <see cref="RuntimeNack"/>, <c>{}</c>.</summary>
    public const string RuntimeNackOk = "runtime.nack.ok";

    /// <summary><c>runtime.message</c>: a delivery the host pushes to a subscriber; never a reply type.</summary>
    public const string RuntimeMessage = "runtime.message";

    /// <summary><c>control.topics</c>: asks for every live subscription pattern with its figures.</summary>
    public const string ControlTopics = "control.topics";

    /// <summary><c>control.topics.ok</c>: the reply to <see cref="ControlTopics"/>, a <c>TopicsReport</c>.</summary>
    public const string ControlTopicsOk = "control.topics.ok";

    /// <summary><c>control.streams</c>: asks for every declared stream with its range, size and durable consumers.</summary>
    public const string ControlStreams = "control.streams";

    /// <summary><c>control.streams.ok</c>: the reply to <see cref="ControlStreams"/>, a <c>StreamsReport</c>.</summary>
    public const string ControlStreamsOk = "control.streams.ok";

    /// <summary><c>control.cluster</c>: asks for the cluster's members as this host sees them.</summary>
    public const string ControlCluster = "control.cluster";

    /// <summary><c>control.cluster.ok</c>: the reply to <see cref="ControlCluster"/>, a <c>ClusterReport</c>.</summary>
    public const string ControlClusterOk = "control.cluster.ok";

    /// <summary>The message type of every error response.</summary>
    public const string Error = "error";
}
