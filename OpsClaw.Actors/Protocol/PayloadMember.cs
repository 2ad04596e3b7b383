using System.Text.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// One top-level member of an object payload, where the envelope decoder found it while checking the
/// payload: offsets into the payload's UTF-8. A request decoded from a line carries its members, so
/// a channel that reads a few named fields (the broker) takes them from there instead of reading the
/// whole payload through once more; the decoder has already checked every byte of it.
/// </summary>
/// <param name="NameStart">Where the member's name starts (after its opening quote).</param>
/// <param name="NameLength">The name's length; the name has no escapes (a payload with an escaped name carries no members).</param>
/// <param name="ValueStart">Where the value's first token starts (a string's opening quote).</param>
/// <param name="ValueEnd">Just past the value's last byte.</param>
/// <param name="Token">The value's first token.</param>
internal readonly record struct PayloadMember(int NameStart, int NameLength, int ValueStart, int ValueEnd, JsonTokenType Token)
{
    /// <summary>An object with more members than this carries none: a payload of that size is read as it always was.</summary>
    public const int MaxMembers = 16;

    public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> payload) => payload.Slice(NameStart, NameLength);

    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> payload) => payload[ValueStart..ValueEnd];
}
