using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Streams in a cluster (docs/cluster.md, "Streams in a cluster"): each stream and its durable
/// consumers are entities of one shard, named for the stream, so they live together on one node and
/// every node reaches them through its shard region. When that node goes, the shard is allocated to
/// another one, where the entities recover from the shared journal.
/// </summary>
internal static class StreamSharding
{
    /// <summary>The shard region's type name, the same on every node.</summary>
    public const string TypeName = "opsclaw-streams";

    /// <summary>Starts this node's shard region (or returns the one already started): the entities of the streams declared here.</summary>
    public static IActorRef Start(ActorSystem system, IReadOnlyList<StreamSettings> streams, TimeSpan ackWait)
    {
        var declared = streams.ToDictionary(stream => stream.Name, StringComparer.Ordinal);
        IActorRef? region = null;
        Props EntityProps(string entityId)
        {
            var (stream, durable) = StreamEntityEnvelope.Parse(entityId);
            if (!declared.TryGetValue(stream, out var settings))
            {
                return UndeclaredStreamActor.Props(stream, durable);
            }

            return durable is null
                ? StreamActor.Props(settings, sharded: true)
                : StreamConsumerActor.Props(stream, durable, new StreamAddress(region!, stream, Sharded: true), ackWait);
        }

        // The region is asked for only after Start returned it, so the factory always sees it.
        region = ClusterSharding.Get(system).Start(
            TypeName,
            EntityProps,
            ClusterShardingSettings.Create(system),
            new StreamEntityExtractor(),
            new StreamShardAllocation(),
            StreamProtocol.StopWhenIdle.Instance);
        return region;
    }

    /// <summary>
    /// Puts a new stream on the node with the fewest and never moves a running one: moving a stream
    /// stops its consumers and ends their subscriptions, which a node joining must not cause.
    /// </summary>
    private sealed class StreamShardAllocation : IShardAllocationStrategy
    {
        public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
        {
            var fewest = currentShardAllocations.Count == 0
                ? requester
                : currentShardAllocations
                    .OrderBy(pair => pair.Value.Count)
                    .ThenBy(pair => pair.Key.Equals(requester) ? 0 : 1)
                    .ThenBy(pair => pair.Key.Path.ToStringWithAddress(), StringComparer.Ordinal)
                    .First().Key;
            return Task.FromResult(fewest);
        }

        public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
            Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
    }
}
