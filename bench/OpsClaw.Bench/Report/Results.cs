namespace OpsClaw.Bench;

/// <summary>Every value of every figure, per server, one per repetition.</summary>
internal sealed class Results
{
    private readonly Dictionary<(string Server, string Figure), List<double>> _values = [];

    public void Add(string server, string figure, double value)
    {
        if (!_values.TryGetValue((server, figure), out var values))
        {
            values = [];
            _values[(server, figure)] = values;
        }

        values.Add(value);
    }

    public IReadOnlyList<double> Of(string server, string figure) =>
        _values.TryGetValue((server, figure), out var values) ? values : [];

    /// <summary>The median of the repetitions: one slow or fast outlier run cannot move it.</summary>
    public double Median(string server, string figure)
    {
        var sorted = Of(server, figure).Where(value => !double.IsNaN(value)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public double Sum(string server, string figure) => Of(server, figure).Sum();
}
