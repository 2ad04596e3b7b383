using OpsClaw.Actors.Metrics;

namespace OpsClaw.Actors.Tests.Metrics;

/// <summary>The error bound control.status documents for its p50/p99: exact below 16 µs, within 12.5% above, 0 when empty.</summary>
public sealed class LatencyHistogramSpecs
{
    [Fact]
    public void An_empty_histogram_should_report_zero()
    {
        Assert.Equal(0, new LatencyHistogram().QuantileMs(0.5));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(7L)]
    [InlineData(15L)]
    public void Values_below_16_microseconds_should_come_back_exactly(long microseconds)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(microseconds);

        Assert.Equal(microseconds / 1000.0, histogram.QuantileMs(0.5), precision: 9);
    }

    [Fact]
    public void Quantiles_of_a_seeded_spread_should_be_within_twelve_and_a_half_percent_of_the_exact_ones()
    {
        var random = new Random(20261202);
        var values = Enumerable.Range(0, 20_000).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(60_000_000))).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        Array.Sort(values);
        foreach (var q in new[] { 0.01, 0.25, 0.5, 0.9, 0.99, 0.999 })
        {
            var exactMs = values[(int)Math.Ceiling(q * values.Length) - 1] / 1000.0;
            var reported = histogram.QuantileMs(q);
            Assert.True(
                Math.Abs(reported - exactMs) <= (exactMs * 0.125) + 0.001,
                $"q{q}: reported {reported} ms, exact {exactMs} ms");
        }
    }
}
