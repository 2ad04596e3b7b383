using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// The one message body every server carries: 128 bytes of compact JSON whose <c>id</c> string holds
/// <c>~time~publisher~sequence~</c> in fixed-width digits. The digits are patched into a copy of a
/// prebuilt frame for each publish, and found again by the first <c>~</c> in a delivered frame: no
/// envelope, topic or server framing here contains a <c>~</c>, and JSON escaping leaves digits and
/// <c>~</c> alone, so one reader works on all three servers' frames.
/// </summary>
internal static class BenchBody
{
    public const int Length = 128;

    /// <summary><c>~</c> + 19 digits of <see cref="System.Diagnostics.Stopwatch"/> ticks + <c>~</c> + 3 + <c>~</c> + 10 + <c>~</c>.</summary>
    public const int StampLength = 1 + TimeDigits + 1 + PublisherDigits + 1 + SequenceDigits + 1;

    private const int TimeDigits = 19;
    private const int PublisherDigits = 3;
    private const int SequenceDigits = 10;
    private const byte Marker = (byte)'~';

    /// <summary>The body with a zero stamp; publishers patch the stamp of their copy.</summary>
    public static byte[] Template()
    {
        var head = "{\"id\":\"" + new string('0', StampLength) + "\",\"pad\":\"";
        const string Tail = "\"}";
        var body = head + new string('x', Length - head.Length - Tail.Length) + Tail;
        var bytes = Encoding.ASCII.GetBytes(body);
        var stamp = bytes.AsSpan(head.IndexOf('0', StringComparison.Ordinal), StampLength);
        stamp[0] = Marker;
        stamp[1 + TimeDigits] = Marker;
        stamp[2 + TimeDigits + PublisherDigits] = Marker;
        stamp[^1] = Marker;
        return bytes;
    }

    /// <summary>Where the stamp starts in a frame built around the template.</summary>
    public static int StampOffset(ReadOnlySpan<byte> frame)
    {
        var offset = frame.IndexOf(Marker);
        return offset >= 0 ? offset : throw new InvalidOperationException("the frame holds no body stamp");
    }

    public static void Stamp(Span<byte> stamp, long time, int publisher, long sequence)
    {
        WriteDigits(stamp.Slice(1, TimeDigits), time);
        WriteDigits(stamp.Slice(2 + TimeDigits, PublisherDigits), publisher);
        WriteDigits(stamp.Slice(3 + TimeDigits + PublisherDigits, SequenceDigits), sequence);
    }

    /// <summary>Reads the stamp of a delivered body, or returns false when the frame has none or a broken one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out long time, out int publisher, out long sequence)
    {
        time = 0;
        publisher = 0;
        sequence = 0;
        var offset = frame.IndexOf(Marker);
        if (offset < 0 || frame.Length - offset < StampLength)
        {
            return false;
        }

        var stamp = frame.Slice(offset, StampLength);
        if (stamp[1 + TimeDigits] != Marker || stamp[2 + TimeDigits + PublisherDigits] != Marker || stamp[^1] != Marker)
        {
            return false;
        }

        var ok = TryDigits(stamp.Slice(1, TimeDigits), out time)
            & TryDigits(stamp.Slice(2 + TimeDigits, PublisherDigits), out var publisherValue)
            & TryDigits(stamp.Slice(3 + TimeDigits + PublisherDigits, SequenceDigits), out sequence);
        publisher = (int)publisherValue;
        return ok;
    }

    private static void WriteDigits(Span<byte> digits, long value)
    {
        for (var index = digits.Length - 1; index >= 0; index--)
        {
            digits[index] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }
}
