using System.Collections.Concurrent;
using Akka.Actor;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The figures of this node's subscriptions to a durable consumer that another cluster node hosts, by
/// id: a <see cref="BrokerProtocol.Subscribed"/> that comes back from that node is read with the broker's
/// own <see cref="SubscriptionStats"/>, so the connection counts where <c>control.topics</c> looks.
/// </summary>
internal sealed class StatsDirectory : IExtension
{
    private readonly ConcurrentDictionary<long, SubscriptionStats> _byId = new();

    public static StatsDirectory Get(ActorSystem system) => system.WithExtension<StatsDirectory, Provider>();

    public void Add(SubscriptionId id, SubscriptionStats stats) => _byId[id.Value] = stats;

    public void Remove(SubscriptionId id) => _byId.TryRemove(id.Value, out _);

    /// <summary>The broker's figures of <paramref name="id"/>, or new ones when it is not this node's (the consumer's side of a subscription).</summary>
    public SubscriptionStats For(SubscriptionId id) => _byId.TryGetValue(id.Value, out var stats) ? stats : new SubscriptionStats();

    private sealed class Provider : ExtensionIdProvider<StatsDirectory>
    {
        public override StatsDirectory CreateExtension(ExtendedActorSystem system) => new();
    }
}
