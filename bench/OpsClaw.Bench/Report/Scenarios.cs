namespace OpsClaw.Bench;

/// <summary>A pipelined scenario: <see cref="Connections"/> × <see cref="Depth"/> requests in flight.</summary>
internal sealed record LoadScenario(string Id, int Connections, int Depth)
{
    public string Title => $"({Connections}, {Depth})";

    public Figure RequestsPerSecond => new(Title, "req/s", FigureKind.Rate, "N0");

    public Figure P50 => new(Title, "p50 µs", FigureKind.Cost, "N1");

    public Figure P90 => new(Title, "p90 µs", FigureKind.Cost, "N1");

    public Figure P99 => new(Title, "p99 µs", FigureKind.Cost, "N1");

    public Figure P999 => new(Title, "p99.9 µs", FigureKind.Cost, "N1");

    public Figure ServerCpu => new(Title, "server CPU (cores)", FigureKind.Info, "N2");

    /// <summary>Server CPU time per reply: the cost of a request, which CPU taken by other work on the machine does not change.</summary>
    public Figure ServerCpuPerRequest => new(Title, "server CPU µs/req", FigureKind.Cost, "N2");

    public Figure GeneratorCpu => new(Title, "generator CPU (cores)", FigureKind.Info, "N2");

    public Figure Errors => new(Title, "errors (all reps)", FigureKind.Count, "N0");

    public IEnumerable<Figure> Figures => [RequestsPerSecond, P50, P90, P99, P999, ServerCpu, ServerCpuPerRequest, GeneratorCpu, Errors];
}

/// <summary>The scenarios of issue #6 and the rows they fill.</summary>
internal static class Scenarios
{
    public const string ConnectionsId = "connections";

    public static readonly LoadScenario Latency = new("latency", 1, 1);
    public static readonly LoadScenario Throughput = new("throughput", 16, 32);
    public static readonly LoadScenario FanOut = new("fanout", 256, 4);

    public static readonly IReadOnlyList<LoadScenario> Load = [Latency, Throughput, FanOut];

    public static readonly Figure StormRate = new("connect storm", "conn/s", FigureKind.Rate, "N0");
    public static readonly Figure StormCpu = new("connect storm", "server CPU µs/conn", FigureKind.Cost, "N1");
    public static readonly Figure RepeatStormRate = new("connect storm, repeated", "conn/s", FigureKind.Rate, "N0");
    public static readonly Figure RepeatStormCpu = new("connect storm, repeated", "server CPU µs/conn", FigureKind.Cost, "N1");
    public static readonly Figure StormFailures = new("connect storm", "failures (both storms, all reps)", FigureKind.Count, "N0");
    public static readonly Figure HeldRss = new("idle connections held", "RSS KiB per connection", FigureKind.Cost, "N2");
    public static readonly Figure HeldCount = new("idle connections held", "connections", FigureKind.Info, "N0");

    public static IEnumerable<string> Ids => Load.Select(scenario => scenario.Id).Append(ConnectionsId);

    public static IEnumerable<Figure> AllFigures =>
        Load.SelectMany(scenario => scenario.Figures).Concat([StormRate, StormCpu, RepeatStormRate, RepeatStormCpu, StormFailures, HeldCount, HeldRss]);
}
