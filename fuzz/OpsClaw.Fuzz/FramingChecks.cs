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
        var sink = new CollectingSink(maxLineBytes);
        using var framer = new LineFramer(maxLineBytes);
        for (var at = 0; at < input.Length; at += chunkSize)
        {
            framer.Push(input.Slice(at, Math.Min(chunkSize, input.Length - at)), sink);
        }

        framer.Complete(sink);
        if (framer.BufferedBytes != 0)
        {
            throw new InvariantViolation($"framer still holds {framer.BufferedBytes} bytes after Complete");
        }

        return sink.Events;
    }

    private static bool SameEvents(List<byte[]?> a, List<byte[]?> b) =>
        a.Count == b.Count && a.Zip(b).All(pair =>
            pair.First is null ? pair.Second is null : pair.Second is not null && pair.First.AsSpan().SequenceEqual(pair.Second));

    private static string Describe(List<byte[]?> events) =>
        "[" + string.Join(", ", events.Select(e => e is null ? "too-large" : $"{e.Length} bytes")) + "]";

    private sealed class CollectingSink(int maxLineBytes) : ILineSink
    {
        public List<byte[]?> Events { get; } = [];

        public void OnLine(ReadOnlySpan<byte> line)
        {
            if (line.Length > maxLineBytes)
            {
                throw new InvariantViolation($"framer yielded a {line.Length}-byte line over its {maxLineBytes}-byte limit");
            }

            if (line.Contains((byte)'\n'))
            {
                throw new InvariantViolation("framer yielded a line containing '\\n'");
            }

            // The span dies with the call, so keep a copy.
            Events.Add(line.ToArray());
        }

        public void OnFrameTooLarge() => Events.Add(null);
    }
}
