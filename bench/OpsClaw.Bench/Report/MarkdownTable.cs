using System.Text;

namespace OpsClaw.Bench;

/// <summary>A Markdown table with aligned columns: the first two and the header left, numbers right.</summary>
internal static class MarkdownTable
{
    public static void Append(StringBuilder text, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        for (var index = 0; index < rows.Count; index++)
        {
            var row = rows[index];
            text.Append('|');
            for (var column = 0; column < row.Length; column++)
            {
                // Names left, numbers right, as a reader scans them.
                var cell = column < 2 || index == 0 ? row[column].PadRight(widths[column]) : row[column].PadLeft(widths[column]);
                text.Append(' ').Append(cell).Append(" |");
            }

            text.AppendLine();
            if (index == 0)
            {
                text.Append('|');
                foreach (var width in widths)
                {
                    text.Append(new string('-', width + 2)).Append('|');
                }

                text.AppendLine();
            }
        }
    }
}
