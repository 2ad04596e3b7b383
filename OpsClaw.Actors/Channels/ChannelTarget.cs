using Akka.Actor;

namespace OpsClaw.Actors.Channels;

/// <summary>A channel actor as its connections see it: where requests go, and whether it takes a read's requests as one message.</summary>
/// <param name="Actor">The channel actor.</param>
/// <param name="TakesBatches">It handles <see cref="ChannelProtocol.RequestBatch"/>; otherwise every request is its own <see cref="ChannelProtocol.Request"/>.</param>
internal sealed record ChannelTarget(IActorRef Actor, bool TakesBatches)
{
    /// <summary>
    /// A channel made from <paramref name="props"/> takes batches when it is a <see cref="ChannelActor"/>;
    /// a channel written as a plain actor knows only <see cref="ChannelProtocol.Request"/>.
    /// </summary>
    public static ChannelTarget Of(IActorRef actor, Props props) =>
        new(actor, props.Type is { } type && typeof(ChannelActor).IsAssignableFrom(type));
}
