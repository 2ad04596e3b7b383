using System.Buffers;
using System.Text;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Writes text as the inside of a JSON string, straight to UTF-8, with the escaping every line this
/// host writes uses: quote, backslash and the controls below U+0020 (short forms <c>\b \t \n \f \r</c>,
/// <c>\u00XX</c> for the rest), U+2028 and U+2029 (JavaScript line ends), and DEL and the C1 controls
/// U+007F–U+009F, valid raw in JSON but a line may be printed to a terminal, where U+009B starts a
/// control sequence. Hex digits are lowercase. A lone surrogate becomes U+FFFD. Everything else is
/// written as its UTF-8 bytes. One pass over the text, and text with nothing to escape is only transcoded.
/// </summary>
/// <remarks>
/// These are Newtonsoft.Json's default string escapes plus the DEL/C1 escapes, so a line is byte for byte
/// what Newtonsoft's writer gave when the host wrote through it (the specs hold it to a Newtonsoft reference).
/// </remarks>
internal static class JsonEscaping
{
    /// <summary>A character becomes at most a six-byte <c>\u</c> escape.</summary>
    public const int MaxBytesPerChar = 6;

    /// <summary>Characters transcoded per request for room: the target is never asked for three bytes per character of a megabyte string at once.</summary>
    private const int ChunkChars = 4096;

    /// <summary>UTF-8 bytes escaped per request for room: six bytes each at worst, within <see cref="MaxRequestBytes"/>.</summary>
    private const int ChunkUtf8Bytes = ChunkChars / 2;

    /// <summary>Declared before the byte arrays below, which are made with it (static fields are set in order).</summary>
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "\"\\" + new string([.. Enumerable.Range(0, 0x20).Select(code => (char)code)])
        + new string([.. Enumerable.Range(0x7F, 0x21).Select(code => (char)code)]) + "\u2028\u2029");

    /// <summary>
    /// The bytes at which an escaped character may start in UTF-8: the ASCII ones themselves, and the
    /// lead bytes of U+0080–U+009F (C2) and of U+2028/U+2029 (E2), which need a look at what follows.
    /// </summary>
    private static readonly SearchValues<byte> SpecialUtf8 = SearchValues.Create(
        [.. "\"\\"u8, .. Enumerable.Range(0, 0x20).Select(code => (byte)code), 0x7F, 0xC2, 0xE2]);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The most room one request to the target asks for; reserve this much beyond a line's exact size.</summary>
    public static int MaxRequestBytes { get; } = Utf8.GetMaxByteCount(ChunkChars);

    /// <summary>Writes <paramref name="value"/> as a JSON string, quotes included, or <c>null</c>.</summary>
    public static void WriteQuoted(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            WriteRaw(output, "null"u8);
            return;
        }

        WriteRaw(output, "\""u8);
        WriteContent(output, value);
        WriteRaw(output, "\""u8);
    }

    /// <summary>Writes the escaped inside of a JSON string for <paramref name="text"/>, without quotes.</summary>
    public static void WriteContent(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        while (true)
        {
            var at = text.IndexOfAny(Special);
            if (at < 0)
            {
                WritePlain(output, text);
                return;
            }

            WritePlain(output, text[..at]);
            WriteEscape(output, text[at]);
            text = text[(at + 1)..];
        }
    }

    /// <summary>
    /// The same escaping for text that is already valid UTF-8 (a publish's body as it was read): the
    /// bytes <see cref="WriteContent(IBufferWriter{byte}, ReadOnlySpan{char})"/> writes for that text, without
    /// turning it into UTF-16 and back. Invalid UTF-8 is not expected here; its bytes are copied as they are.
    /// </summary>
    public static void WriteContent(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            // Pieces of a bounded size, cut between characters (never before a continuation byte), each
            // written into one span asked for once: its worst case is every byte a six-byte escape.
            var length = Math.Min(utf8.Length, ChunkUtf8Bytes);
            while (length < utf8.Length && (utf8[length] & 0xC0) == 0x80)
            {
                length--;
            }

            var span = output.GetSpan(length * MaxBytesPerChar);
            output.Advance(Escape(utf8[..length], span));
            utf8 = utf8[length..];
        }
    }

    /// <summary>Escapes <paramref name="utf8"/> into <paramref name="target"/>, which has room for the worst case; the bytes written.</summary>
    private static int Escape(ReadOnlySpan<byte> utf8, Span<byte> target)
    {
        var written = 0;
        while (true)
        {
            var at = utf8.IndexOfAny(SpecialUtf8);
            if (at < 0)
            {
                utf8.CopyTo(target[written..]);
                return written + utf8.Length;
            }

            // A two- or three-byte character that merely starts like one of the escaped ones is copied with the run before it.
            var code = EscapedAt(utf8[at..], out var length);
            var plain = code < 0 ? at + length : at;
            utf8[..plain].CopyTo(target[written..]);
            written += plain;
            if (code >= 0)
            {
                written += EscapeInto(target[written..], (char)code);
            }

            utf8 = utf8[(at + length)..];
        }
    }

    /// <summary>Whether <paramref name="text"/> has nothing to escape: its JSON string is the text between quotes.</summary>
    public static bool IsPlain(ReadOnlySpan<char> text) => text.IndexOfAny(Special) < 0;

    /// <summary>The escaped inside of a JSON string for <paramref name="text"/>, as bytes.</summary>
    public static byte[] Escaped(string text) => Bytes(output => WriteContent(output, text));

    /// <summary>What <paramref name="write"/> writes, as an array: for the fixed pieces of lines, made once.</summary>
    public static byte[] Bytes(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>(128);
        write(output);
        return output.WrittenSpan.ToArray();
    }

    public static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static void WritePlain(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var length = Math.Min(text.Length, ChunkChars);
            if (length < text.Length && char.IsHighSurrogate(text[length - 1]))
            {
                // A pair split between two chunks would become two U+FFFD.
                length--;
            }

            var chunk = text[..length];
            var written = Utf8.GetBytes(chunk, output.GetSpan(Utf8.GetMaxByteCount(chunk.Length)));
            output.Advance(written);
            text = text[length..];
        }
    }

    /// <summary>The character to escape that starts <paramref name="utf8"/>, or -1 for one to copy; <paramref name="length"/> is its byte count.</summary>
    private static int EscapedAt(ReadOnlySpan<byte> utf8, out int length)
    {
        var lead = utf8[0];
        if (lead < 0x80)
        {
            length = 1;
            return lead;
        }

        if (lead == 0xC2 && utf8.Length > 1)
        {
            length = 2;
            return utf8[1] <= 0x9F ? utf8[1] : -1;
        }

        if (lead == 0xE2 && utf8.Length > 2 && utf8[1] == 0x80 && utf8[2] is 0xA8 or 0xA9)
        {
            length = 3;
            return 0x2000 | (utf8[2] & 0x3F);
        }

        length = 1;
        return -1;
    }

    private static void WriteEscape(IBufferWriter<byte> output, char c) =>
        output.Advance(EscapeInto(output.GetSpan(MaxBytesPerChar), c));

    /// <summary>Writes the escape for <paramref name="c"/> (a short form, or <c>\u</c> and four lowercase hex digits); its length.</summary>
    private static int EscapeInto(Span<byte> span, char c)
    {
        span[0] = (byte)'\\';
        var shortForm = c switch
        {
            '"' => '"',
            '\\' => '\\',
            '\b' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\f' => 'f',
            '\r' => 'r',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            span[1] = (byte)shortForm;
            return 2;
        }

        span[1] = (byte)'u';
        span[2] = Hex(c >> 12);
        span[3] = Hex((c >> 8) & 0xF);
        span[4] = Hex((c >> 4) & 0xF);
        span[5] = Hex(c & 0xF);
        return MaxBytesPerChar;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
