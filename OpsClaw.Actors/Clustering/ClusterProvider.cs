using Akka.Actor;
using Akka.Cluster;

namespace OpsClaw.Actors.Clustering;

/// <summary>Whether an actor system can take part in a cluster.</summary>
internal static class ClusterProvider
{
    /// <summary>Whether the system's actor-ref provider is Akka.Cluster's (<c>akka.actor.provider = cluster</c>).</summary>
    public static bool IsCluster(ActorSystem system) =>
        system is ExtendedActorSystem extended && extended.Provider is IClusterActorRefProvider;
}
