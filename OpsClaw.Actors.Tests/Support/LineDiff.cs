using System.Text;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>A line diff for failure messages: changed lines marked - and +, with a little context around each change.</summary>
public static class LineDiff
{
    private const int Context = 2;

    public static string Render(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');

        // Longest common subsequence, from the end, so the walk below can go forwards.
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var lines = new List<(char Mark, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x++]));
                y++;
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                lines.Add(('+', b[y++]));
            }
            else
            {
                lines.Add(('-', a[x++]));
            }
        }

        var shown = new StringBuilder();
        var lastShown = -1;
        for (var k = 0; k < lines.Count; k++)
        {
            var from = Math.Max(0, k - Context);
            var nearChange = lines.Skip(from).Take(Math.Min(lines.Count, k + Context + 1) - from).Any(line => line.Mark != ' ');
            if (!nearChange)
            {
                continue;
            }

            if (lastShown >= 0 && k > lastShown + 1)
            {
                shown.Append("  ...\n");
            }

            shown.Append(lines[k].Mark).Append(' ').Append(lines[k].Text).Append('\n');
            lastShown = k;
        }

        return shown.ToString();
    }
}
