using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// Makes an actor system a cluster member from <c>opsclaw.cluster</c> (docs/cluster.md), through
/// Akka.Remote.Hosting and Akka.Cluster.Hosting: the transport on <c>hostname:port</c>, the seeds,
/// the roles, and the split-brain resolver.
/// </summary>
internal static class OpsClawClusterHosting
{
    /// <summary>
    /// The largest frame between nodes. A frame carries one batch of publishes for a node, which
    /// <c>BrokerCluster</c> keeps well below it; a single message is at most <c>max-line-bytes</c>.
    /// </summary>
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Wires the cluster when <paramref name="settings"/> enable it; does nothing otherwise.</summary>
    /// <param name="builder">The actor system being configured.</param>
    /// <param name="settings">The cluster's settings.</param>
    /// <param name="systemName">The actor system's name: every node of a cluster has the same one, and seed addresses carry it.</param>
    public static AkkaConfigurationBuilder WithOpsClawCluster(this AkkaConfigurationBuilder builder, ClusterSettings settings, string systemName)
    {
        if (!settings.Enabled)
        {
            return builder;
        }

        builder.WithRemoting(new RemoteOptions
        {
            HostName = settings.Hostname,
            Port = settings.Port,
            MaxFrameSize = MaxFrameBytes,
        });
        // Without seeds a node would wait for a join that never comes, and whatever needs the
        // cluster (a stream's shard, above all) with it: it forms a cluster of its own instead, which
        // other nodes can join by naming it as their seed.
        var seeds = settings.SeedNodes.Count > 0 ? settings.SeedNodes : [new ClusterSeed(settings.Hostname, settings.Port)];
        builder.WithClustering(new ClusterOptions
        {
            SeedNodes = [.. seeds.Select(seed => $"akka.tcp://{systemName}@{HostInAddress(seed.Host)}:{seed.Port}")],
            Roles = [.. settings.Roles],
            SplitBrainResolver = settings.SplitBrainResolver switch
            {
                SplitBrainStrategy.KeepOldest => new KeepOldestOption { DownIfAlone = true },
                _ => new KeepMajorityOption(),
            },
        });

        // Changes of the replicated registry reach the broker within 100 ms rather than the default 500 ms.
        builder.AddHocon(
            $$"""
            akka.cluster.split-brain-resolver.stable-after = {{(long)settings.StableAfter.TotalMilliseconds}}ms
            akka.cluster.distributed-data.notify-subscribers-interval = 100ms
            """,
            HoconAddMode.Prepend);
        return builder;
    }

    private static string HostInAddress(string host) => host.Contains(':') ? $"[{host}]" : host;
}
