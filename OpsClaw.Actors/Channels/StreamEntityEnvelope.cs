using Akka.Actor;
using Akka.Cluster.Sharding;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// A message for a stream or one of its durable consumers in a cluster, where they are sharded
/// entities (docs/cluster.md, "Streams in a cluster"): the shard is the stream, so a stream and its
/// consumers always live on the same node.
/// </summary>
/// <param name="Stream">The stream, which is also the shard.</param>
/// <param name="Durable">The durable consumer's name, or null for the stream itself.</param>
/// <param name="Message">What the entity receives.</param>
internal sealed record StreamEntityEnvelope(string Stream, string? Durable, object Message)
{
    /// <summary>Stream and consumer names hold no '.', so "stream.durable" names one consumer only.</summary>
    public string EntityId => Durable is null ? Stream : Stream + "." + Durable;

    /// <summary>The stream and consumer an entity id names (the inverse of <see cref="EntityId"/>).</summary>
    public static (string Stream, string? Durable) Parse(string entityId)
    {
        var dot = entityId.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (entityId, null) : (entityId[..dot], entityId[(dot + 1)..]);
    }
}

/// <summary>Where a durable consumer sends what is for its stream: the stream's actor beside it, or in a cluster the shard region.</summary>
/// <param name="Target">The stream's actor, or the region.</param>
/// <param name="Stream">The stream, named in the envelope when <see cref="Sharded"/>.</param>
/// <param name="Sharded">Whether <paramref name="Target"/> is the region.</param>
internal sealed record StreamAddress(IActorRef Target, string Stream, bool Sharded)
{
    public void Tell(object message, IActorRef sender) =>
        Target.Tell(Sharded ? new StreamEntityEnvelope(Stream, null, message) : message, sender);
}

/// <summary>Reads a <see cref="StreamEntityEnvelope"/> for the shard region.</summary>
internal sealed class StreamEntityExtractor : IMessageExtractor
{
    public string? EntityId(object message) => (message as StreamEntityEnvelope)?.EntityId;

    public object? EntityMessage(object message) => (message as StreamEntityEnvelope)?.Message;

    public string? ShardId(object message) => (message as StreamEntityEnvelope)?.Stream;

    public string ShardId(string entityId, object? messageHint = null) => StreamEntityEnvelope.Parse(entityId).Stream;
}
