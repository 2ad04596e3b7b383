using System.Buffers;
using System.Text;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The <see cref="TextWriter"/> that Newtonsoft.Json writes an envelope into: it encodes to UTF-8 as
/// the text arrives, straight into the buffer the line is for, so a reply becomes bytes without a
/// StringBuilder, a string or a copy in between. Not thread-safe; the encoder keeps one per thread.
/// </summary>
internal sealed class Utf8LineWriter : TextWriter
{
    /// <summary>
    /// Characters encoded per request for room: the target is asked for at most this many characters'
    /// worth of bytes at a time, never for three bytes per character of a megabyte string at once.
    /// </summary>
    private const int ChunkChars = 4096;

    private const char FirstEscaped = '\u007F';
    private const char LastEscaped = '\u009F';

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Encoder _encoder = Utf8.GetEncoder();
    private IBufferWriter<byte>? _target;

    /// <summary>The most room one request to the target asks for; reserve this much beyond a line's exact size.</summary>
    public static int MaxRequestBytes { get; } = Utf8.GetMaxByteCount(ChunkChars);

    public override Encoding Encoding => Utf8;

    /// <summary>Begins a line written into <paramref name="target"/>, forgetting anything held back from an earlier one.</summary>
    public void Start(IBufferWriter<byte> target)
    {
        _encoder.Reset();
        _target = target;
    }

    /// <summary>Ends the line and lets go of its target.</summary>
    public void Finish()
    {
        // A lone surrogate held back at the very end becomes U+FFFD, exactly as encoding the whole string would.
        Encode([], flush: true);
        _target = null;
    }

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        // DEL and the C1 controls (U+0080–U+009F, e.g. U+009B, a terminal's CSI) are valid raw in JSON, but a
        // reply line may be printed to a terminal, so client text never reaches it as those bytes. They can
        // only occur inside string literals, where a \u escape always means the same character.
        while (buffer.IndexOfAnyInRange(FirstEscaped, LastEscaped) is var at and >= 0)
        {
            Encode(buffer[..at], flush: false);
            Span<char> escape = ['\\', 'u', '0', '0', Hex(buffer[at] >> 4), Hex(buffer[at] & 0xF)];
            Encode(escape, flush: false);
            buffer = buffer[(at + 1)..];
        }

        Encode(buffer, flush: false);
    }

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private void Encode(ReadOnlySpan<char> chars, bool flush)
    {
        var target = _target ?? throw new InvalidOperationException("Start a line before writing to it");
        while (!chars.IsEmpty || flush)
        {
            var chunk = chars[..Math.Min(chars.Length, ChunkChars)];
            chars = chars[chunk.Length..];
            var last = flush && chars.IsEmpty;
            var room = target.GetSpan(Utf8.GetMaxByteCount(chunk.Length));
            _encoder.Convert(chunk, room, last, out _, out var written, out _);
            target.Advance(written);
            if (last)
            {
                return;
            }
        }
    }
}
