namespace OpsClaw.Actors.Streams;

/// <summary>
/// The declared streams and which one a topic is stored in (settings make sure it is one at most).
/// Streams are few, so a topic is checked against every subject; the answer is remembered per topic,
/// up to a bound, since publishers reuse their topics.
/// </summary>
internal sealed class StreamCatalog(IReadOnlyList<StreamSettings> streams)
{
    private const int RememberedTopics = 4096;

    private readonly Dictionary<string, StreamSettings?> _byTopic = new(StringComparer.Ordinal);

    public IReadOnlyList<StreamSettings> Streams { get; } = streams;

    public bool IsEmpty => Streams.Count == 0;

    public StreamSettings? Named(string name) => Streams.FirstOrDefault(stream => string.Equals(stream.Name, name, StringComparison.Ordinal));

    /// <summary>The stream that stores <paramref name="topic"/>, or null.</summary>
    public StreamSettings? For(string topic)
    {
        if (IsEmpty)
        {
            return null;
        }

        if (_byTopic.TryGetValue(topic, out var known))
        {
            return known;
        }

        var found = Streams.FirstOrDefault(stream => stream.Subjects.Any(subject => TopicSyntax.Matches(subject, topic)));
        if (_byTopic.Count >= RememberedTopics)
        {
            _byTopic.Clear();
        }

        _byTopic[topic] = found;
        return found;
    }
}
