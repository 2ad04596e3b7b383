namespace OpsClaw.Actors.Protocol;

/// <summary>The built-in message types of docs/protocol.md §5.</summary>
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

    /// <summary>The message type of every error response.</summary>
    public const string Error = "error";
}
