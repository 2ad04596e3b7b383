using System.Globalization;
using Newtonsoft.Json.Linq;

namespace OpsClaw.Actors.Client;

/// <summary>
/// Where a new durable consumer starts reading its stream (the subscribe's <c>start</c>):
/// <see cref="New"/>, <see cref="All"/> or <see cref="AtSeq"/>. A durable that exists already
/// resumes after its acknowledged position and ignores it.
/// </summary>
public sealed class StreamStart : IEquatable<StreamStart>
{
    private const string NewWord = "new";
    private const string AllWord = "all";

    /// <summary>Null for <see cref="New"/> and <see cref="All"/>, which the word says.</summary>
    private readonly string? _word;

    private StreamStart(string? word, long? seq)
    {
        _word = word;
        Seq = seq;
    }

    /// <summary>Messages stored from now on (the host's default): <c>"new"</c>.</summary>
    public static StreamStart New { get; } = new(NewWord, null);

    /// <summary>Every message the stream still retains: <c>"all"</c>.</summary>
    public static StreamStart All { get; } = new(AllWord, null);

    /// <summary>The sequence number to start at; null for <see cref="New"/> and <see cref="All"/>.</summary>
    public long? Seq { get; }

    /// <summary>Starts at the message with sequence number <paramref name="seq"/> (or the oldest retained after it, when retention deleted it).</summary>
    /// <param name="seq">A sequence number: 1, 2, 3, …</param>
    /// <returns>The start.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seq"/> is less than 1.</exception>
    public static StreamStart AtSeq(long seq) =>
        seq >= 1 ? new StreamStart(null, seq) : throw new ArgumentOutOfRangeException(nameof(seq), seq, "a stream's sequence numbers start at 1");

    /// <summary>Reads <c>new</c>, <c>all</c> or a sequence number from 1, as the command line takes them.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">The start, or null when the text is none of those.</param>
    /// <returns>Whether the text is one of those.</returns>
    public static bool TryParse(string? text, out StreamStart? start)
    {
        start = text switch
        {
            NewWord => New,
            AllWord => All,
            _ when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq >= 1 => AtSeq(seq),
            _ => null,
        };
        return start is not null;
    }

    /// <inheritdoc/>
    public bool Equals(StreamStart? other) => other is not null && _word == other._word && Seq == other.Seq;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as StreamStart);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_word, Seq);

    /// <summary>As the wire and the command line write it: <c>new</c>, <c>all</c> or the number.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => _word ?? Seq!.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The subscribe payload's <c>start</c>: a string for the words, a number for a sequence number.</summary>
    internal JToken ToJson() => _word is { } word ? new JValue(word) : new JValue(Seq!.Value);
}
