using System.Text;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// 64-bit hashes that are the same in every process and on every run, unlike
/// <see cref="string.GetHashCode()"/>, which .NET seeds randomly per process: a key must go to the
/// same group member whichever host process computes it, e.g. after a restart or on another node.
/// </summary>
/// <remarks>
/// FNV-1a over the UTF-8 bytes is simple and allocation-free, but its low bits mix poorly; every hash
/// is therefore finished with MurmurHash3's 64-bit finalizer, which spreads each input bit over all
/// output bits, as rendezvous weights need.
/// </remarks>
internal static class StableHash
{
    private const ulong FnvOffsetBasis = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    /// <summary>The hash of a text's UTF-8 bytes (a lone surrogate counts as U+FFFD, as UTF-8 encoding makes it).</summary>
    public static ulong OfText(string text)
    {
        var hash = FnvOffsetBasis;
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ utf8[i]) * FnvPrime;
            }
        }

        return Mix(hash);
    }

    /// <summary>MurmurHash3's fmix64: a bijection on 64 bits in which every input bit flips each output bit with probability about one half.</summary>
    public static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xff51afd7ed558ccd;
        value ^= value >> 33;
        value *= 0xc4ceb9fe1a85ec53;
        value ^= value >> 33;
        return value;
    }
}
