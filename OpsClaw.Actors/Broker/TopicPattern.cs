namespace OpsClaw.Actors.Broker;

/// <summary>
/// A subscription pattern that <see cref="TopicSyntax.CheckPattern"/> accepted, split into its
/// tokens once, so the registry walks tokens rather than re-reading text.
/// </summary>
internal sealed class TopicPattern : IEquatable<TopicPattern>
{
    private TopicPattern(string text)
    {
        Text = text;
        var tokens = text.Split('.');
        Tokens = tokens;
        HasWildcards = Array.Exists(tokens, token => token is TopicSyntax.AnyToken or TopicSyntax.AnyTail);
    }

    /// <summary>The pattern as the client wrote it, e.g. <c>runs.*.status</c>.</summary>
    public string Text { get; }

    /// <summary>The tokens in order; <c>*</c> and <c>&gt;</c> are the wildcards.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>False when the pattern is a plain topic, which matches only itself.</summary>
    public bool HasWildcards { get; }

    /// <summary>Parses a pattern, or says what is wrong with it as <see cref="TopicSyntax.CheckPattern"/> words it.</summary>
    public static bool TryParse(string text, out TopicPattern pattern, out string? problem, string field = "topic")
    {
        problem = TopicSyntax.CheckPattern(text, field);
        pattern = problem is null ? new TopicPattern(text) : null!;
        return problem is null;
    }

    /// <summary>Parses a pattern known to be valid (the host's own, or a spec's).</summary>
    /// <exception cref="ArgumentException">The pattern breaks a rule; the message says which.</exception>
    public static TopicPattern Parse(string text) =>
        TryParse(text, out var pattern, out var problem) ? pattern : throw new ArgumentException(problem, nameof(text));

    public bool Equals(TopicPattern? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as TopicPattern);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;
}
