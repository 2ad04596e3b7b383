using OpsClaw.Actors.Protocol;

namespace OpsClaw.Fuzz;

/// <summary>
/// Runs the input through <see cref="LineFramer"/> in several chunkings. How a socket happens to
/// split the stream must not change what comes out, and no line may pass the limit.
/// </summary>
internal static class FramingChecks
{
    /// <summary>The lines the framer cut, with too-large events as <c>null</c>, in stream order.</summary>
    public static IReadOnlyList<byte[]> Frame(ReadOnlySpan<byte> input, int maxLineBytes)
    {
        var whole = Run(input, input.Length, maxLineBytes);
        // 1 byte: every line is buffered across pushes. 7: cuts fall at odd places, including
        // between '\r' and '\n'. The input's first byte: a chunk size AFL can steer.
        int[] chunkSizes = [1, 7, input.IsEmpty ? 1 : 1 + input[0]];
        foreach (var size in chunkSizes)
        {
            var split = Run(input, size, maxLineBytes);
            if (!SameEvents(whole, split))
            {
                throw new InvariantViolation(
                    $"framing in chunks of {size} gave {Describe(split)}, in one chunk {Describe(whole)}");
            }
        }

        return whole.OfType<byte[]>().ToList();
    }

    private static List<byte[]?> Run(ReadOnlySpan<byte> input, int chunkSize, int maxLineBytes)
    {
        var events = new List<byte[]?>();
        using var framer = new LineFramer(maxLineBytes);
        for (var at = 0; at < input.Length; at += chunkSize)
        {
            var chunk = input.Slice(at, Math.Min(chunkSize, input.Length - at));
            while (framer.TryReadLine(ref chunk, out var line) is var read && read != LineRead.NeedMore)
            {
                events.Add(read == LineRead.Line ? Checked(line, maxLineBytes) : null);
            }
        }

        if (framer.TryReadFinalLine(out var last))
        {
            events.Add(Checked(last, maxLineBytes));
        }

        if (framer.BufferedBytes != 0)
        {
            throw new InvariantViolation($"framer still holds {framer.BufferedBytes} bytes after Complete");
        }

        return events;
    }

    private static bool SameEvents(List<byte[]?> a, List<byte[]?> b) =>
        a.Count == b.Count && a.Zip(b).All(pair =>
            pair.First is null ? pair.Second is null : pair.Second is not null && pair.First.AsSpan().SequenceEqual(pair.Second));

    private static string Describe(List<byte[]?> events) =>
        "[" + string.Join(", ", events.Select(e => e is null ? "too-large" : $"{e.Length} bytes")) + "]";

    /// <summary>A copy of <paramref name="line"/> (the framer's span lives only until its next call), once checked.</summary>
    private static byte[] Checked(ReadOnlySpan<byte> line, int maxLineBytes)
    {
        if (line.Length > maxLineBytes)
        {
            throw new InvariantViolation($"framer yielded a {line.Length}-byte line over its {maxLineBytes}-byte limit");
        }

        if (line.Contains((byte)'\n'))
        {
            throw new InvariantViolation("framer yielded a line containing '\\n'");
        }

        return line.ToArray();
    }
}
