using SharpFuzz;

namespace OpsClaw.Fuzz;

/// <summary>
/// The AFL entry point. Under afl-fuzz, SharpFuzz runs the action once per input in a child
/// process and reports any exception that escapes as a crash; started by hand, it runs once on
/// standard input, which is how scripts/fuzz-codec.sh replays a crashing input to get its stack.
/// </summary>
internal static class Program
{
    public static void Main()
    {
        // Out of process, so a stack overflow or a fail-fast in the codec is a recorded crash
        // rather than the death of the fork server.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            CodecHarness.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
    }
}
