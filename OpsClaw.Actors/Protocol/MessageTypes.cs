namespace OpsClaw.Actors.Protocol;

/// <summary>The built-in message types of docs/protocol.md §5.</summary>
public static class MessageTypes
{
    public const string RuntimePing = "runtime.ping";
    public const string RuntimePong = "runtime.pong";
    public const string RuntimeForward = "runtime.forward";
    public const string RuntimeForwardAck = "runtime.forward.ack";

    public const string ControlHealth = "control.health";
    public const string ControlHealthOk = "control.health.ok";
    public const string ControlStop = "control.stop";
    public const string ControlStopAck = "control.stop.ack";
    public const string ControlChannels = "control.channels";
    public const string ControlChannelsOk = "control.channels.ok";
    public const string ControlStatus = "control.status";
    public const string ControlStatusOk = "control.status.ok";

    /// <summary>The message type of every error response.</summary>
    public const string Error = "error";
}
