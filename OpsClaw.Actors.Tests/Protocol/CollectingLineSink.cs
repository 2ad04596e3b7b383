using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>
/// Pulls everything a <see cref="LineFramer"/> has out of each chunk and records it, in order: each
/// line copied to a byte array (the framer's span lives only until its next call), each oversize
/// line as a marker.
/// </summary>
internal sealed class CollectingLineSink
{
    /// <summary>How a frame_too_large event shows in <see cref="Rendered"/>; no test line contains it.</summary>
    public const string FrameTooLarge = "<frame_too_large>";

    private readonly List<byte[]?> _events = [];

    /// <summary>Every event in order: a line's bytes, or <c>null</c> for frame_too_large.</summary>
    public IReadOnlyList<byte[]?> Events => _events;

    public IReadOnlyList<byte[]> Lines => _events.OfType<byte[]>().ToList();

    /// <summary>
    /// The events as strings for readable assertions. Latin-1 maps each byte to one char, so two
    /// renderings are equal exactly when the bytes are, NULs and invalid UTF-8 included.
    /// </summary>
    public IReadOnlyList<string> Rendered =>
        _events.Select(e => e is null ? FrameTooLarge : Encoding.Latin1.GetString(e)).ToList();

    /// <summary>Gives <paramref name="chunk"/> to <paramref name="framer"/> and takes every frame it completes.</summary>
    public void Push(LineFramer framer, ReadOnlySpan<byte> chunk)
    {
        while (framer.TryReadLine(ref chunk, out var line) is var read && read != LineRead.NeedMore)
        {
            _events.Add(read == LineRead.Line ? line.ToArray() : null);
        }
    }

    /// <summary>End of stream: takes the final unterminated line, if any.</summary>
    public void Complete(LineFramer framer)
    {
        if (framer.TryReadFinalLine(out var line))
        {
            _events.Add(line.ToArray());
        }
    }

    /// <summary>Feeds the chunks in order to a fresh framer, then signals end of stream.</summary>
    public static CollectingLineSink Frame(int maxLineBytes, params byte[][] chunks)
    {
        var sink = new CollectingLineSink();
        using var framer = new LineFramer(maxLineBytes);
        foreach (var chunk in chunks)
        {
            sink.Push(framer, chunk);
        }

        sink.Complete(framer);
        return sink;
    }

    /// <summary>Bytes of a Latin-1 string, one byte per char, so tests can write raw bytes as text.</summary>
    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);
}
