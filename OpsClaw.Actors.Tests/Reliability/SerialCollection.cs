namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// Specs that count this process's open file descriptors and live actors run alone, after the
/// parallel ones, so other specs' sockets do not move the counts; so do specs that time a process,
/// so other specs' load does not stretch the time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial: counts process-wide resources";
}
