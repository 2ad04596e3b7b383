namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// The stream crash specs run one at a time and after the parallel specs: each keeps both cores busy
/// with publishers and a host, and its kill moments mean something only when the host is not starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamCrashCollection
{
    public const string Name = "serial: stream crash specs";
}
