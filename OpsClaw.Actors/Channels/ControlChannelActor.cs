using Akka.Actor;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The control plane: health and stop (docs/protocol.md §5), and what the host serves
/// (<c>control.channels</c>, <c>control.status</c>, answered by the IPC root, this actor's parent), and
/// the broker's patterns (<c>control.topics</c>, answered by the broker under the runtime channel).
/// <c>control.stop</c> answers first and only then asks for shutdown, through a message to itself,
/// so the ack is already on its way to the connection (which drains it) before shutdown begins.
/// </summary>
public sealed class ControlChannelActor : ChannelActor
{
    /// <summary>The control channel's name: it is served on <c>control.sock</c>.</summary>
    public const string Name = "control";

    private static readonly TimeSpan IntrospectionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A control channel that stops the host through <paramref name="shutdown"/>; usually made with <see cref="Props"/>.</summary>
    /// <param name="shutdown">What <c>control.stop</c> does once its ack is on the way.</param>
    public ControlChannelActor(IShutdownRequester shutdown)
        : base(Name)
    {
        ArgumentNullException.ThrowIfNull(shutdown);
        Handle(MessageTypes.ControlHealth, MessageTypes.ControlHealthOk, _ => ChannelPayloads.Healthy);
        Handle(MessageTypes.ControlStop, MessageTypes.ControlStopAck, _ =>
        {
            Self.Tell(ControlChannel.StopAcknowledged.Instance);
            return ChannelPayloads.StopRequested;
        });
        Receive<ControlChannel.StopAcknowledged>(_ => shutdown.RequestShutdown(Context.System));

        var root = Context.Parent;
        HandleAsync<EmptyPayload, ChannelsReport>(MessageTypes.ControlChannels, MessageTypes.ControlChannelsOk, _ =>
            root.Ask<ChannelsReport>(IpcIntrospection.GetChannels.Instance, IntrospectionTimeout));
        HandleAsync<EmptyPayload, StatusReport>(MessageTypes.ControlStatus, MessageTypes.ControlStatusOk, _ =>
            root.Ask<StatusReport>(IpcIntrospection.GetStatus.Instance, IntrospectionTimeout));
        HandleAsync<EmptyPayload, TopicsReport>(MessageTypes.ControlTopics, MessageTypes.ControlTopicsOk, _ =>
            root.Ask<TopicsReport>(BrokerProtocol.GetTopics.Instance, IntrospectionTimeout));
        HandleAsync<EmptyPayload, StreamsReport>(MessageTypes.ControlStreams, MessageTypes.ControlStreamsOk, _ =>
            root.Ask<StreamsReport>(BrokerProtocol.GetStreams.Instance, IntrospectionTimeout));
        HandleAsync<EmptyPayload, ClusterReport>(MessageTypes.ControlCluster, MessageTypes.ControlClusterOk, _ =>
            root.Ask<ClusterReport>(BrokerProtocol.GetCluster.Instance, IntrospectionTimeout));
    }

    /// <summary>The props of a control channel, for a <c>ChannelDefinition</c> or a spec.</summary>
    /// <param name="shutdown">How to stop the host; by default Akka's CoordinatedShutdown, with <see cref="ControlStopReason"/>.</param>
    /// <returns>Props that create a <see cref="ControlChannelActor"/>.</returns>
    public static Props Props(IShutdownRequester? shutdown = null) =>
        Akka.Actor.Props.Create(() => new ControlChannelActor(shutdown ?? CoordinatedShutdownRequester.Instance));
}

internal static class ControlChannel
{
    /// <summary>Sent by the control channel to itself once the stop ack has been handed to the requester.</summary>
    public sealed class StopAcknowledged
    {
        public static readonly StopAcknowledged Instance = new();

        private StopAcknowledged()
        {
        }
    }
}
