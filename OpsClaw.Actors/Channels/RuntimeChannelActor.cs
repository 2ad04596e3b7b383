using Akka.Actor;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The runtime plane: liveness ping (docs/protocol.md §5) and the broker of §9 — publish, subscribe,
/// unsubscribe, ack, nack, and <c>runtime.forward</c>, which publishes to topic <c>runtime.forward</c>.
/// The broker is a child actor; this channel hands it its requests.
/// </summary>
public sealed class RuntimeChannelActor : ChannelActor
{
    /// <summary>The runtime channel's name: it is served on <c>runtime.sock</c>.</summary>
    public const string Name = "runtime";

    private readonly IActorRef _broker;
    private readonly ForwardListeners _forwardListeners;

    /// <summary>
    /// A runtime channel; usually made with <see cref="Props"/>. Its broker takes its bounds from the
    /// settings the IPC subsystem was started with, or from <c>opsclaw.broker</c> in the actor system's
    /// config when it is made on its own.
    /// </summary>
    public RuntimeChannelActor()
        : base(Name)
    {
        var settings = ServedSettings.Get(Context.System).Current ?? IpcSettingsReader.Read(Context.System.Settings.Config).Settings;

        // A config that does not read was refused at startup already; an actor built by hand falls back to the defaults.
        var forwardListeners = new ForwardListeners();
        _forwardListeners = forwardListeners;
        var broker = _broker = Context.ActorOf(
            BrokerActor.Props(settings?.Broker ?? BrokerSettings.Default, settings?.MaxJsonDepth ?? IpcJson.DefaultMaxDepth, forwardListeners),
            "broker");
        var metrics = BrokerMetrics.Get(Context.System);
        Handle(MessageTypes.RuntimePing, MessageTypes.RuntimePong, _ => ChannelPayloads.Pong);
        AddRoute(MessageTypes.RuntimeForward, (request, replyTo) =>
        {
            if (forwardListeners.Any)
            {
                broker.Tell(request, replyTo);
                return null;
            }

            // Nobody listens on runtime.forward: the original contract's hot path stays one hop.
            metrics.Published();
            return new ChannelProtocol.Reply(
                request.Id, IpcResponse.Success(MessageTypes.RuntimeForwardAck, request.Envelope.RunId, ChannelPayloads.ForwardAck));
        });
        Route(MessageTypes.RuntimePublish, broker);
        Route(MessageTypes.RuntimeSubscribe, broker);
        Route(MessageTypes.RuntimeUnsubscribe, broker);
        Route(MessageTypes.RuntimeAck, broker);
        Route(MessageTypes.RuntimeNack, broker);
        Receive<BrokerProtocol.GetTopics>(ask => broker.Forward(ask));
        Receive<BrokerProtocol.GetStreams>(ask => broker.Forward(ask));
    }

    /// <summary>A read of broker requests only goes to the broker as it came: one message, its deliveries and replies batched too.</summary>
    private protected override bool TakeWholeBatch(ChannelProtocol.RequestBatch batch, IActorRef replyTo)
    {
        foreach (var request in batch.Requests)
        {
            if (!BrokerActor.Handles(request.Envelope.MessageType) || (request.Envelope.MessageType == MessageTypes.RuntimeForward && !_forwardListeners.Any))
            {
                return false;
            }
        }

        _broker.Tell(batch, replyTo);
        return true;
    }

    /// <summary>The props of a runtime channel, for a <c>ChannelDefinition</c> or a spec.</summary>
    /// <returns>Props that create a <see cref="RuntimeChannelActor"/>.</returns>
    public static Props Props() => Akka.Actor.Props.Create(() => new RuntimeChannelActor());
}
