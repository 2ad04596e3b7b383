using System.Text.Unicode;

namespace OpsClaw.Fuzz;

/// <summary>
/// The shape docs/protocol.md §1 gives every line on the wire: one line of UTF-8 ending in '\n', with
/// no other control byte, so no client's framer can cut it wrong.
/// </summary>
internal static class WireLine
{
    /// <summary>Throws unless <paramref name="encoded"/> is one well-formed line; returns it without its '\n'.</summary>
    public static ReadOnlySpan<byte> CheckShape(byte[] encoded, string what)
    {
        if (encoded.Length == 0 || encoded[^1] != (byte)'\n')
        {
            throw new InvariantViolation($"encoded {what} does not end in '\\n'");
        }

        var body = encoded.AsSpan(0, encoded.Length - 1);
        var control = body.IndexOfAnyInRange((byte)0x00, (byte)0x1F);
        if (control >= 0)
        {
            throw new InvariantViolation($"encoded {what} has control byte 0x{body[control]:X2} at {control}");
        }

        if (!Utf8.IsValid(body))
        {
            throw new InvariantViolation($"encoded {what} is not valid UTF-8");
        }

        return body;
    }
}
