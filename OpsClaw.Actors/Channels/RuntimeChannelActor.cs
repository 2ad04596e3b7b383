using Akka.Actor;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>The runtime plane: liveness ping and the forward entry point of docs/protocol.md §5.</summary>
public sealed class RuntimeChannelActor : ChannelActor
{
    /// <summary>The runtime channel's name: it is served on <c>runtime.sock</c>.</summary>
    public const string Name = "runtime";

    /// <summary>A runtime channel; usually made with <see cref="Props"/>.</summary>
    public RuntimeChannelActor()
        : base(Name)
    {
        Handle(MessageTypes.RuntimePing, MessageTypes.RuntimePong, _ => ChannelPayloads.Pong);
        Handle(MessageTypes.RuntimeForward, MessageTypes.RuntimeForwardAck, _ => ChannelPayloads.ForwardAck);
    }

    /// <summary>The props of a runtime channel, for a <c>ChannelDefinition</c> or a spec.</summary>
    /// <returns>Props that create a <see cref="RuntimeChannelActor"/>.</returns>
    public static Props Props() => Akka.Actor.Props.Create(() => new RuntimeChannelActor());
}
