using System.Buffers;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// A line built in a reusable per-thread buffer and copied out as an array of its exact size. Each
/// caller keeps its own <c>[ThreadStatic]</c> buffer and passes it by reference, so two builders never
/// share one even when one runs inside the other (a type's static fields may be set mid-line).
/// </summary>
internal static class ScratchBytes
{
    /// <summary>A buffer grown past this by one huge line is dropped afterwards rather than kept for the thread's life.</summary>
    private const int RetainedBytes = 64 * 1024;

    public static ArrayBufferWriter<byte> Start(ref ArrayBufferWriter<byte>? scratch)
    {
        if (scratch is { Capacity: > RetainedBytes })
        {
            // Grown by a huge line that was used in place rather than finished (a delivery line's view).
            scratch = null;
        }

        var bytes = scratch ??= new ArrayBufferWriter<byte>(512);
        bytes.ResetWrittenCount();
        return bytes;
    }

    public static byte[] Finish(ref ArrayBufferWriter<byte>? scratch)
    {
        var bytes = scratch ?? throw new InvalidOperationException("Start a line before finishing it");
        var line = bytes.WrittenSpan.ToArray();
        if (bytes.Capacity > RetainedBytes)
        {
            scratch = null;
        }

        return line;
    }
}
