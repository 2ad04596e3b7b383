using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Clustering;
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

    private readonly Props _brokerProps;
    private readonly ForwardListeners _forwardListeners;
    private IActorRef? _broker;
    private int _brokerFailures;
    private ICancelable? _brokerRestart;

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
        _brokerProps = BrokerActor.Props(
            settings?.Broker ?? BrokerSettings.Default,
            settings?.MaxJsonDepth ?? IpcJson.DefaultMaxDepth,
            forwardListeners,
            clustered: settings?.Cluster.Enabled == true && ClusterProvider.IsCluster(Context.System));
        StartBroker();
        var metrics = BrokerMetrics.Get(Context.System);
        Handle(MessageTypes.RuntimePing, MessageTypes.RuntimePong, _ => ChannelPayloads.Pong);
        AddRoute(MessageTypes.RuntimeForward, (request, replyTo) =>
        {
            if (forwardListeners.Any)
            {
                return ToBroker(request, replyTo);
            }

            // Nobody listens on runtime.forward: the original contract's hot path stays one hop.
            metrics.Published();
            return new ChannelProtocol.Reply(
                request.Id, IpcResponse.Success(MessageTypes.RuntimeForwardAck, request.Envelope.RunId, ChannelPayloads.ForwardAck));
        });
        AddRoute(MessageTypes.RuntimePublish, ToBroker);
        AddRoute(MessageTypes.RuntimeSubscribe, ToBroker);
        AddRoute(MessageTypes.RuntimeUnsubscribe, ToBroker);
        AddRoute(MessageTypes.RuntimeAck, ToBroker);
        AddRoute(MessageTypes.RuntimeNack, ToBroker);
        Receive<BrokerProtocol.GetTopics>(ask => _broker?.Forward(ask));
        Receive<BrokerProtocol.GetStreams>(ask => _broker?.Forward(ask));
        Receive<BrokerProtocol.GetCluster>(ask => _broker?.Forward(ask));
        Receive<Terminated>(terminated => terminated.ActorRef.Equals(_broker), OnBrokerStopped);
        Receive<RestartBroker>(_ => StartBroker());
    }

    /// <summary>A read of broker requests only goes to the broker as it came: one message, its deliveries and replies batched too.</summary>
    private protected override bool TakeWholeBatch(ChannelProtocol.RequestBatch batch, IActorRef replyTo)
    {
        if (_broker is not { } broker)
        {
            return false;
        }

        foreach (var request in batch.Requests)
        {
            if (!BrokerActor.Handles(request.Envelope.MessageType) || (request.Envelope.MessageType == MessageTypes.RuntimeForward && !_forwardListeners.Any))
            {
                return false;
            }
        }

        broker.Tell(batch, replyTo);
        return true;
    }

    private void StartBroker()
    {
        _broker = Context.Watch(Context.ActorOf(_brokerProps, "broker"));
    }

    /// <summary>A request for the broker; while it is down (it could not be made), answered handler_failed rather than lost.</summary>
    private ChannelProtocol.Reply? ToBroker(ChannelProtocol.Request request, IActorRef replyTo)
    {
        if (_broker is { } broker)
        {
            broker.Tell(request, replyTo);
            return null;
        }

        return new ChannelProtocol.Reply(request.Id, IpcErrors.HandlerFailed(request.Envelope.MessageType, request.Envelope.RunId));
    }

    /// <summary>
    /// The broker stopped, which it does only when it could not be made (its restarts keep it running):
    /// its subscribers were told by their connections' DeathWatch, and a new one is made after a growing pause.
    /// </summary>
    private void OnBrokerStopped(Terminated terminated)
    {
        _broker = null;
        // 5 s, 10 s, 20 s, then every 40 s: a broker that could not be made is not likely to be made a moment later.
        var pause = TimeSpan.FromSeconds(5 << Math.Min(_brokerFailures++, 3));
        Log.Error("the broker of channel '{0}' stopped; broker requests are answered handler_failed until it is made again in {1} s", Name, pause.TotalSeconds);
        _brokerRestart = Context.System.Scheduler.ScheduleTellOnceCancelable(pause, Self, RestartBroker.Instance, Self);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _brokerRestart?.Cancel();
        base.PostStop();
    }

    private sealed class RestartBroker
    {
        public static readonly RestartBroker Instance = new();

        private RestartBroker()
        {
        }
    }

    /// <summary>The props of a runtime channel, for a <c>ChannelDefinition</c> or a spec.</summary>
    /// <returns>Props that create a <see cref="RuntimeChannelActor"/>.</returns>
    public static Props Props() => Akka.Actor.Props.Create(() => new RuntimeChannelActor());
}
