namespace OpsClaw.Actors;

/// <summary>
/// The "did you mean" of an unknown name: the known name nearest to it by edit distance, if it is near
/// enough to be a slip of the keyboard (a missing letter, <c>_</c> for <c>-</c>, a swapped case) rather
/// than another word.
/// </summary>
internal static class KeySuggestion
{
    /// <summary>The candidate closest to <paramref name="unknown"/>, or null when none is close.</summary>
    public static string? Closest(string unknown, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(unknown.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance && IsNear(unknown, candidate, distance))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>
    /// A third of the name's length in edits (at least one), or one name starting with the other
    /// (<c>max-line</c> for <c>max-line-bytes</c>), provided the shared start is a word and not a letter.
    /// </summary>
    private static bool IsNear(string unknown, string candidate, int distance) =>
        distance <= Math.Max(1, candidate.Length / 3)
        || (Math.Min(unknown.Length, candidate.Length) >= 4
            && (candidate.StartsWith(unknown, StringComparison.OrdinalIgnoreCase) || unknown.StartsWith(candidate, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Edit distance with transpositions (optimal string alignment): the fewest insertions, deletions,
    /// substitutions and swaps of two neighbouring characters that turn one into the other, so
    /// <c>icp</c> is one slip from <c>ipc</c>.
    /// </summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
