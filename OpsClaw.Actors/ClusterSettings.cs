namespace OpsClaw.Actors;

/// <summary>
/// The cluster's settings, <c>opsclaw.cluster</c> (docs/cluster.md): whether this host joins other
/// hosts as one broker, where it listens for them and whom it asks to join.
/// </summary>
/// <param name="Enabled"><c>enabled</c>: off serves this machine alone, as without the block.</param>
/// <param name="Hostname"><c>hostname</c>: the address the other nodes reach this one at (it also binds there).</param>
/// <param name="Port"><c>port</c>: the TCP port of the cluster's transport.</param>
/// <param name="SeedNodes"><c>seed-nodes</c>: <c>host:port</c> of the nodes to join; the first seed listing itself first forms the cluster.</param>
/// <param name="Roles"><c>roles</c>: the node's roles, shown by <c>control.cluster</c>.</param>
/// <param name="SplitBrainResolver"><c>split-brain-resolver</c>: which side of a partition survives.</param>
/// <param name="StableAfter"><c>stable-after</c>: how long membership must stay unchanged before the resolver downs the unreachable side.</param>
public sealed record ClusterSettings(
    bool Enabled,
    string Hostname,
    int Port,
    IReadOnlyList<ClusterSeed> SeedNodes,
    IReadOnlyList<string> Roles,
    SplitBrainStrategy SplitBrainResolver,
    TimeSpan StableAfter)
{
    /// <summary>Where the settings live in a config: <c>opsclaw.cluster</c>.</summary>
    public const string ConfigPath = "opsclaw.cluster";

    /// <summary>The embedded defaults: off; 127.0.0.1:4053, no seeds, keep-majority after 20 s.</summary>
    public static ClusterSettings Default { get; } = new(false, "127.0.0.1", 4053, [], [], SplitBrainStrategy.KeepMajority, TimeSpan.FromSeconds(20));
}

/// <summary>A node to join: its cluster hostname and port.</summary>
/// <param name="Host">Its <c>hostname</c>.</param>
/// <param name="Port">Its <c>port</c>.</param>
public sealed record ClusterSeed(string Host, int Port)
{
    /// <summary>The seed as written in <c>seed-nodes</c>.</summary>
    public override string ToString() => $"{Host}:{Port}";
}

/// <summary>Which side of a network partition the split-brain resolver keeps.</summary>
public enum SplitBrainStrategy
{
    /// <summary>The side with more than half of the members (with the lowest address on a tie).</summary>
    KeepMajority,

    /// <summary>The side holding the oldest member.</summary>
    KeepOldest,
}
