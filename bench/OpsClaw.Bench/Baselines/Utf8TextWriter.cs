using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// A <see cref="TextWriter"/> that encodes straight into a <see cref="ReplyBuffer"/>, so a reply goes
/// from the JSON writer to UTF-8 bytes with no string in between. The encoder keeps a surrogate half
/// split across two writes.
/// </summary>
internal sealed class Utf8TextWriter : TextWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Encoder _encoder = Utf8.GetEncoder();

    public ReplyBuffer? Target { get; set; }

    public override Encoding Encoding => Utf8;

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        var target = Target ?? throw new InvalidOperationException("no reply buffer to write into");
        var bytes = target.GetSpan(Utf8.GetMaxByteCount(buffer.Length));
        _encoder.Convert(buffer, bytes, flush: false, out _, out var written, out _);
        target.Advance(written);
    }
}
