using System.Globalization;
using System.Text;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host;

/// <summary>
/// Renders a <c>control.streams</c> report: a line naming the storage, then one row per stream (its
/// subjects, status, retained range and size) followed by a row per durable consumer (consumer
/// <c>-</c> on the stream's row; its filter under SUBJECTS, and its acked seq, pending and members).
/// </summary>
internal static class StreamsTable
{
    private static readonly string[] Headings =
        ["STREAM", "CONSUMER", "SUBJECTS", "STATUS", "FIRST", "LAST", "MESSAGES", "BYTES", "ACKED", "PENDING", "MEMBERS"];

    private static readonly HashSet<int> Figures = [4, 5, 6, 7, 8, 9, 10];

    public static string Render(StreamsReport report)
    {
        var rows = new List<string[]> { Headings };
        foreach (var stream in report.Streams)
        {
            rows.Add(
            [
                stream.Name, "-", string.Join(',', stream.Subjects), stream.Status,
                Number(stream.FirstSeq), Number(stream.LastSeq), Number(stream.Messages), Number(stream.Bytes),
                "-", "-", "-",
            ]);
            rows.AddRange(stream.Consumers.Select(consumer => new[]
            {
                stream.Name, consumer.Name, consumer.Topic, "-",
                "-", "-", "-", "-",
                Number(consumer.AckedSeq), Number(consumer.Pending), Number(consumer.Members),
            }));
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"storage {report.Storage}  streams {report.Streams.Count}\n");
        text.Append(TextTable.Render(rows, TextTable.Widths(rows, new int[Headings.Length]), Figures));
        return text.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
