namespace OpsClaw.Bench;

/// <summary>
/// A broker scenario: <see cref="Publishers"/> connections publishing to one topic, read by
/// <see cref="Subscribers"/> subscriptions (or, with <see cref="Group"/>, one queue group of that
/// many members, with explicit acks where the server has them). Each publisher keeps at most
/// <see cref="Window"/> messages published and not yet delivered.
/// </summary>
internal sealed record BrokerScenario(string Id, string Title, int Publishers, int Subscribers, bool Group, int Window)
{
    public const string GroupName = "workers";

    /// <summary>The topic (Redis channel, NATS subject): one token per scenario, valid on all three servers.</summary>
    public string Topic => "bench." + Id;

    public Figure Delivered => new(Title, "delivered msgs/s", FigureKind.Rate, "N0");

    public Figure P50 => new(Title, "p50 µs", FigureKind.Cost, "N1");

    public Figure P99 => new(Title, "p99 µs", FigureKind.Cost, "N1");

    /// <summary>Server CPU time per delivered message: what a delivery costs the server, whatever else the machine runs.</summary>
    public Figure ServerCpuPerMessage => new(Title, "server CPU µs/msg", FigureKind.Cost, "N2");

    public Figure ServerCpu => new(Title, "server CPU (cores)", FigureKind.Info, "N2");

    public Figure GeneratorCpu => new(Title, "generator CPU (cores)", FigureKind.Info, "N2");

    public Figure Lost => new(Title, "lost (all reps)", FigureKind.Count, "N0");

    public Figure Errors => new(Title, "errors (all reps)", FigureKind.Count, "N0");

    public IEnumerable<Figure> Figures => [Delivered, P50, P99, ServerCpuPerMessage, ServerCpu, GeneratorCpu, Lost, Errors];

    /// <summary>Whether <paramref name="dialect"/>'s server can run it at all (Redis has no queue groups).</summary>
    public bool RunsOn(BrokerDialect dialect) => !Group || dialect.HasQueueGroups;
}

/// <summary>The broker scenarios of issue #13 and their defaults.</summary>
internal static class BrokerScenarios
{
    /// <summary>One message in flight: publish → delivery latency with no queue anywhere.</summary>
    public static readonly BrokerScenario Latency = new("latency", "1 → 1, one in flight", 1, 1, false, 1);

    public static readonly BrokerScenario OneToOne = new("one-to-one", "1 → 1", 1, 1, false, 512);

    public static readonly BrokerScenario FanOut = new("fan-out", "1 → 10 (fan-out)", 1, 10, false, 512);

    /// <summary>32 each, so the one subscriber has 512 in flight as in the scenarios above.</summary>
    public static readonly BrokerScenario FanIn = new("fan-in", "16 → 1 (fan-in)", 16, 1, false, 32);

    /// <summary>Four publishers and a group of four, 512 in flight in all.</summary>
    public static readonly BrokerScenario Group = new("group", "4 → group of 4", 4, 4, true, 128);

    public static readonly IReadOnlyList<BrokerScenario> All = [Latency, OneToOne, FanOut, FanIn, Group];

    public static IEnumerable<string> Ids => All.Select(scenario => scenario.Id);

    public static IEnumerable<Figure> AllFigures => All.SelectMany(scenario => scenario.Figures);
}
