using System.Text;

namespace OpsClaw.Host;

/// <summary>Aligned text columns, two spaces apart, as <c>docker ps</c> prints them.</summary>
internal static class TextTable
{
    /// <summary>The width each column needs: its widest cell, and at least <paramref name="atLeast"/>.</summary>
    public static int[] Widths(IReadOnlyList<string[]> rows, IReadOnlyList<int> atLeast) =>
        [.. atLeast.Select((least, column) => Math.Max(least, rows.Max(row => row[column].Length)))];

    /// <summary>One line per row; columns in <paramref name="rightAligned"/> are padded on the left (figures), the rest on the right.</summary>
    public static string Render(IEnumerable<string[]> rows, IReadOnlyList<int> widths, ISet<int> rightAligned)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, column) => rightAligned.Contains(column) ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]));
            text.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
