using Akka.Actor;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The control plane: health and stop (protocol.md §6). <c>control.stop</c> answers first and only
/// then asks for shutdown, through a message to itself, so the ack is already on its way to the
/// connection (which drains it) before shutdown begins.
/// </summary>
public sealed class ControlChannelActor : ChannelActor
{
    public const string Name = "control";

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
    }

    /// <param name="shutdown">How to stop the host; by default <see cref="CoordinatedShutdownRequester"/>.</param>
    public static Props Props(IShutdownRequester? shutdown = null) =>
        Akka.Actor.Props.Create(() => new ControlChannelActor(shutdown ?? CoordinatedShutdownRequester.Instance));
}

public static class ControlChannel
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
