using Akka.Actor;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>The runtime plane: liveness ping and the forward entry point of docs/protocol.md §5.</summary>
public sealed class RuntimeChannelActor : ChannelActor
{
    public const string Name = "runtime";

    public RuntimeChannelActor()
        : base(Name)
    {
        Handle(MessageTypes.RuntimePing, MessageTypes.RuntimePong, _ => ChannelPayloads.Pong);
        Handle(MessageTypes.RuntimeForward, MessageTypes.RuntimeForwardAck, _ => ChannelPayloads.ForwardAck);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new RuntimeChannelActor());
}
