using System.Globalization;
using System.Text;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host;

/// <summary>
/// Renders <c>control.status</c> reports as a header line, an aligned table (one row per channel) and
/// a line of the broker's totals.
/// Each figure column is as wide as a large value needs from the start (a count up to 999,999,999, a
/// latency up to 99,999.999 ms), and a column never narrows again once a value widened it: under
/// <c>status --watch</c> the columns stay where they are while the numbers grow.
/// </summary>
internal sealed class StatusTable
{
    private static readonly string[] Headings = ["CHANNEL", "CONNS", "TOTAL", "REQUESTS", "ERRORS", "P50 MS", "P99 MS", "ERRORS BY CODE"];

    /// <summary>The widths a column starts at: counts of 9 digits (11 for requests), latencies of 5 digits and 3 decimals.</summary>
    private static readonly int[] Starting = [0, 5, 9, 11, 9, 9, 9, 0];

    private static readonly HashSet<int> Figures = [1, 2, 3, 4, 5, 6];

    private int[] _widths = Starting;

    public string Render(StatusReport report)
    {
        var rows = new List<string[]> { Headings };
        rows.AddRange(report.Channels.Select(channel => new[]
        {
            channel.Name,
            Number(channel.ConnectionsCurrent),
            Number(channel.ConnectionsTotal),
            Number(channel.Requests),
            Number(channel.Errors.Values.Sum()),
            channel.LatencyP50Ms.ToString("0.000", CultureInfo.InvariantCulture),
            channel.LatencyP99Ms.ToString("0.000", CultureInfo.InvariantCulture),
            channel.Errors.Count == 0 ? "-" : string.Join(' ', channel.Errors.Select(error => $"{error.Key}={Number(error.Value)}")),
        }));

        _widths = TextTable.Widths(rows, _widths);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"opsclaw {report.Version}  pid {report.Pid}  up {Uptime(report.UptimeMs)}\n");
        text.Append(TextTable.Render(rows, _widths, Figures));
        var broker = report.Broker;
        text.Append(CultureInfo.InvariantCulture, $"broker  subscriptions {broker.Subscriptions}  published {broker.Published}  delivered {broker.Delivered}  ");
        text.Append(CultureInfo.InvariantCulture, $"redelivered {broker.Redelivered}  dropped {broker.Dropped}  refused {broker.Refused}\n");
        return text.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Uptime(long milliseconds)
    {
        var span = TimeSpan.FromMilliseconds(milliseconds);
        return span.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours:00}h {span.Minutes:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Hours:00}h {span.Minutes:00}m {span.Seconds:00}s");
    }
}
