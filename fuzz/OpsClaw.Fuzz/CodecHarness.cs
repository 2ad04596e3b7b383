using OpsClaw.Actors.Protocol;

namespace OpsClaw.Fuzz;

/// <summary>One fuzz input, run the two ways a line reaches the codec.</summary>
internal static class CodecHarness
{
    // Small limits so that short AFL inputs can reach the depth and line-length edges.
    public const int MaxJsonDepth = 8;
    public const int MaxLineBytes = 512;

    private static readonly IpcCodec Codec = new(MaxJsonDepth);

    public static void Run(ReadOnlySpan<byte> input)
    {
        // Whole input as one line, '\n' and all: the decoder must cope with bytes the framer
        // would never hand it.
        DecodeChecks.Check(Codec, input);

        // As a connection sees it: framed, then each line decoded.
        foreach (var line in FramingChecks.Frame(input, MaxLineBytes))
        {
            DecodeChecks.Check(Codec, line);
        }
    }
}
