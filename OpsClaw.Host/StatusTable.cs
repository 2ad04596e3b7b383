using System.Globalization;
using System.Text;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host;

/// <summary>Renders a <c>control.status</c> report as a header line and an aligned table, one row per channel.</summary>
internal static class StatusTable
{
    private static readonly string[] Headings = ["CHANNEL", "CONNS", "TOTAL", "REQUESTS", "ERRORS", "P50 MS", "P99 MS", "ERRORS BY CODE"];

    public static string Render(StatusReport report)
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

        var widths = Enumerable.Range(0, Headings.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"opsclaw {report.Version}  pid {report.Pid}  up {Uptime(report.UptimeMs)}\n");
        foreach (var row in rows)
        {
            // Names and the code list read left to right; figures line up on the right.
            var cells = row.Select((cell, column) =>
                column is 0 || column == row.Length - 1 ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]));
            text.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }

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
