using System.Text;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The <see cref="TextWriter"/> that Newtonsoft.Json writes an envelope into: it encodes to UTF-8 as
/// the text arrives, into a buffer reused from line to line, so a reply becomes bytes without a
/// StringBuilder and a string in between. Not thread-safe; the encoder keeps one per thread.
/// </summary>
internal sealed class Utf8LineWriter : TextWriter
{
    /// <summary>A buffer grown past this by one huge line is dropped afterwards rather than kept for the thread's life.</summary>
    private const int RetainedBytes = 64 * 1024;

    private const char FirstEscaped = '\u007F';
    private const char LastEscaped = '\u009F';

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Encoder _encoder = Utf8.GetEncoder();
    private byte[] _bytes = new byte[512];
    private int _length;

    public override Encoding Encoding => Utf8;

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

    /// <summary>Forgets anything written, e.g. by a line that failed half way.</summary>
    public void Clear()
    {
        _encoder.Reset();
        _length = 0;
    }

    /// <summary>The bytes written since the last <see cref="Clear"/>, as a new array; the writer is then empty.</summary>
    public byte[] TakeBytes()
    {
        // A lone surrogate held back at the very end becomes U+FFFD, exactly as encoding the whole string would.
        Encode([], flush: true);
        var line = _bytes.AsSpan(0, _length).ToArray();
        _length = 0;
        if (_bytes.Length > RetainedBytes)
        {
            _bytes = new byte[512];
        }

        return line;
    }

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private void Encode(ReadOnlySpan<char> chars, bool flush)
    {
        var needed = _length + Utf8.GetMaxByteCount(chars.Length);
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(needed, _bytes.Length * 2));
        }

        _encoder.Convert(chars, _bytes.AsSpan(_length), flush, out _, out var written, out _);
        _length += written;
    }
}
