namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// Specs that count this process's open file descriptors and live actors run alone, after the
/// parallel ones, so other specs' sockets do not move the counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial: counts process-wide resources";
}
