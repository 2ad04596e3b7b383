namespace OpsClaw.Bench;

/// <summary>How a figure's repetitions are combined and whether an opsclaw / baseline ratio means anything.</summary>
internal enum FigureKind
{
    /// <summary>Higher is better (req/s, conn/s); median of repetitions, ratio shown.</summary>
    Rate,

    /// <summary>Lower is better (latency, memory); median of repetitions, ratio shown.</summary>
    Cost,

    /// <summary>Context such as CPU used; median, no ratio.</summary>
    Info,

    /// <summary>Errors and failures: summed over every repetition, since one is too many.</summary>
    Count,
}

/// <summary>One row of the table: a scenario and one of its measures.</summary>
internal sealed record Figure(string Scenario, string Measure, FigureKind Kind, string Format)
{
    public string Key => Scenario + " " + Measure;

    public double Combine(Results results, string server) =>
        Kind == FigureKind.Count ? results.Sum(server, Key) : results.Median(server, Key);
}
