namespace OpsClaw.Actors.Broker;

/// <summary>
/// The broker's message types on the runtime channel. Internal until the broker answers them: the
/// public <c>MessageTypes</c> lists only what a host serves.
/// </summary>
internal static class BrokerMessageTypes
{
    public const string Publish = "runtime.publish";
    public const string PublishAck = "runtime.publish.ack";
    public const string Subscribe = "runtime.subscribe";
    public const string SubscribeAck = "runtime.subscribe.ack";
    public const string Unsubscribe = "runtime.unsubscribe";
    public const string UnsubscribeAck = "runtime.unsubscribe.ack";
    public const string Ack = "runtime.ack";
    public const string AckOk = "runtime.ack.ok";
    public const string Nack = "runtime.nack";
    public const string NackOk = "runtime.nack.ok";

    /// <summary>A pushed delivery; never a reply type, so a pipelining client tells deliveries from replies by it.</summary>
    public const string Message = "runtime.message";

    /// <summary>The topic <c>runtime.forward</c> publishes its payload to, keyed by the request's <c>run_id</c>.</summary>
    public const string ForwardTopic = "runtime.forward";
}
