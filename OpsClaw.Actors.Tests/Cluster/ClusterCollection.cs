namespace OpsClaw.Actors.Tests.Cluster;

/// <summary>
/// The multi-process cluster specs run one at a time and after the parallel specs: each starts three
/// or four hosts on two cores, and failure detection means something only when they are not starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "serial: cluster specs";
}
