using System.Buffers;
using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// Makes a published body compact JSON text once, at publish, so every delivery can embed it as it
/// is. Only the whitespace between tokens goes: strings keep their escapes as the publisher wrote
/// them (<c>\u00e9</c> stays six characters, <c>é</c> stays one) and numbers keep their digits
/// (<c>1.50</c>, <c>1e400</c>), which re-serializing through a JSON library would not. Subscribers
/// thus get the publisher's body byte for byte, less insignificant whitespace.
/// </summary>
internal static class JsonCompactor
{
    /// <summary>The four whitespace bytes JSON allows between tokens; inside a string only the space may appear raw.</summary>
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>The compact text of <paramref name="json"/>, which must be exactly one valid JSON value (the caller's reader checked it).</summary>
    public static string Compact(ReadOnlySpan<byte> json) => Encoding.UTF8.GetString(CompactUtf8(json));

    /// <summary>The same, as UTF-8: how a publish's body is kept until something needs it as a string.</summary>
    public static byte[] CompactUtf8(ReadOnlySpan<byte> json)
    {
        // Most clients already send compact JSON: then there is nothing to take out.
        if (json.IndexOfAny(Whitespace) < 0)
        {
            return json.ToArray();
        }

        var rented = ByteBuffers.Rent(json.Length);
        try
        {
            var length = Strip(json, rented);
            return rented.AsSpan(0, length).ToArray();
        }
        finally
        {
            ByteBuffers.Return(rented);
        }
    }

    private static int Strip(ReadOnlySpan<byte> json, Span<byte> target)
    {
        var written = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                target[written++] = b;
                if (b == (byte)'\\')
                {
                    // The escaped byte is copied with its backslash, so an escaped quote does not end the string.
                    target[written++] = json[++i];
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (!Whitespace.Contains(b))
            {
                target[written++] = b;
                inString = b == (byte)'"';
            }
        }

        return written;
    }
}
