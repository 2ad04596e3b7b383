using Akka.Actor;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The runtime plane: liveness ping (docs/protocol.md §5) and the broker of §11 — publish, subscribe,
/// unsubscribe, ack, nack, and <c>runtime.forward</c>, which publishes to topic <c>runtime.forward</c>.
/// The broker is a child actor; this channel hands it its requests.
/// </summary>
public sealed class RuntimeChannelActor : ChannelActor
{
    /// <summary>The runtime channel's name: it is served on <c>runtime.sock</c>.</summary>
    public const string Name = "runtime";

    /// <summary>A runtime channel; usually made with <see cref="Props"/>. Its broker takes <c>opsclaw.broker</c> from the actor system's config.</summary>
    public RuntimeChannelActor()
        : base(Name)
    {
        var (settings, _) = IpcSettingsReader.Read(Context.System.Settings.Config);

        // A config that does not read was refused at startup already; an actor built by hand falls back to the defaults.
        var broker = Context.ActorOf(
            BrokerActor.Props(settings?.Broker ?? BrokerSettings.Default, settings?.MaxJsonDepth ?? IpcJson.DefaultMaxDepth),
            "broker");
        Handle(MessageTypes.RuntimePing, MessageTypes.RuntimePong, _ => ChannelPayloads.Pong);
        Route(MessageTypes.RuntimeForward, broker);
        Route(MessageTypes.RuntimePublish, broker);
        Route(MessageTypes.RuntimeSubscribe, broker);
        Route(MessageTypes.RuntimeUnsubscribe, broker);
        Route(MessageTypes.RuntimeAck, broker);
        Route(MessageTypes.RuntimeNack, broker);
        Receive<BrokerProtocol.GetTopics>(ask => broker.Forward(ask));
    }

    /// <summary>The props of a runtime channel, for a <c>ChannelDefinition</c> or a spec.</summary>
    /// <returns>Props that create a <see cref="RuntimeChannelActor"/>.</returns>
    public static Props Props() => Akka.Actor.Props.Create(() => new RuntimeChannelActor());
}
