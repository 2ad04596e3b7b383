namespace OpsClaw.Bench;

/// <summary>
/// A broker scenario: <see cref="Publishers"/> connections publishing to one topic, read by
/// <see cref="Subscribers"/> subscriptions (or, with <see cref="Group"/>, one queue group of that
/// many members, with explicit acks where the server has them). The publishers keep at most a
/// given number of messages published and not yet delivered, shared evenly among them, or exactly
/// one with <see cref="OneInFlight"/>.
/// </summary>
internal sealed record BrokerScenario(string Id, string Title, int Publishers, int Subscribers, bool Group, bool OneInFlight = false)
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

    /// <summary>Each publisher's window when the subscribers (or the group) may have <paramref name="inFlight"/> messages on the way.</summary>
    public int WindowFor(int inFlight) => OneInFlight ? 1 : Math.Max(1, inFlight / Publishers);

    /// <summary>Whether <paramref name="dialect"/>'s server can run it at all (Redis has no queue groups).</summary>
    public bool RunsOn(BrokerDialect dialect) => !Group || dialect.HasQueueGroups;
}

/// <summary>The broker scenarios of issue #13.</summary>
internal static class BrokerScenarios
{
    /// <summary>
    /// Messages on their way to each subscriber (or to the group) by default: enough to keep every
    /// server busy, and under opsclaw's default <c>max_pending</c> (1000), so nothing is dropped by design.
    /// </summary>
    public const int DefaultInFlight = 512;

    /// <summary>One message in flight: publish → delivery latency with no queue anywhere.</summary>
    public static readonly BrokerScenario Latency = new("latency", "1 → 1, one in flight", 1, 1, false, OneInFlight: true);

    public static readonly BrokerScenario OneToOne = new("one-to-one", "1 → 1", 1, 1, false);

    public static readonly BrokerScenario FanOut = new("fan-out", "1 → 10 (fan-out)", 1, 10, false);

    public static readonly BrokerScenario FanIn = new("fan-in", "16 → 1 (fan-in)", 16, 1, false);

    public static readonly BrokerScenario Group = new("group", "4 → group of 4", 4, 4, true);

    public static readonly IReadOnlyList<BrokerScenario> All = [Latency, OneToOne, FanOut, FanIn, Group];

    public static IEnumerable<string> Ids => All.Select(scenario => scenario.Id);

    public static IEnumerable<Figure> AllFigures => All.SelectMany(scenario => scenario.Figures);
}
