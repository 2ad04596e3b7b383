namespace OpsClaw.Actors.Broker;

/// <summary>
/// One node of the registry's token trie: the pattern spelled by the tokens from the root to here.
/// Children are literal tokens (looked up by a slice of the topic, without making a string), the
/// <c>*</c> child and the <c>&gt;</c> child, which is always a leaf. The subscriptions of the
/// node's pattern hang here: plain ones in a list, groups by name.
/// </summary>
internal sealed class TrieNode
{
    private Dictionary<string, TrieNode>? _literals;
    private Dictionary<string, TrieNode>.AlternateLookup<ReadOnlySpan<char>> _literalsBySpan;

    public TrieNode(TrieNode? parent, string token)
    {
        Parent = parent;
        Token = token;
    }

    public TrieNode? Parent { get; }

    /// <summary>The token that leads here from the parent (empty at the root).</summary>
    public string Token { get; }

    public TrieNode? AnyToken { get; private set; }

    public TrieNode? AnyTail { get; private set; }

    /// <summary>The pattern's text, set while subscriptions hang here (for introspection).</summary>
    public string? Pattern { get; set; }

    /// <summary>Subscriptions without a group; a registration knows its index, so removal is a swap with the last.</summary>
    public List<Registration>? Plain { get; set; }

    public Dictionary<string, QueueGroup>? Groups { get; set; }

    /// <summary>Whether any subscription of this node's pattern is live.</summary>
    public bool HoldsSubscriptions => Plain is { Count: > 0 } || Groups is { Count: > 0 };

    /// <summary>Whether the node can go: nothing hangs here and nothing below.</summary>
    public bool IsEmpty => !HoldsSubscriptions && AnyToken is null && AnyTail is null && _literals is null;

    public IEnumerable<TrieNode> Children =>
        (_literals?.Values ?? Enumerable.Empty<TrieNode>())
            .Concat(AnyToken is null ? [] : [AnyToken])
            .Concat(AnyTail is null ? [] : [AnyTail]);

    public TrieNode? Literal(ReadOnlySpan<char> token) =>
        _literals is not null && _literalsBySpan.TryGetValue(token, out var child) ? child : null;

    /// <summary>The child for a pattern token, made if missing; <paramref name="created"/> says whether it was.</summary>
    public TrieNode Child(string token, out bool created)
    {
        created = false;
        switch (token)
        {
            case TopicSyntax.AnyToken:
                return AnyToken ??= New(token, out created);
            case TopicSyntax.AnyTail:
                return AnyTail ??= New(token, out created);
        }

        if (_literals is null)
        {
            _literals = new Dictionary<string, TrieNode>(StringComparer.Ordinal);
            _literalsBySpan = _literals.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        if (!_literals.TryGetValue(token, out var child))
        {
            child = New(token, out created);
            _literals.Add(token, child);
        }

        return child;
    }

    /// <summary>Drops an empty child; an empty literal table is dropped too, so a pruned node holds no memory for it.</summary>
    public void Remove(TrieNode child)
    {
        if (ReferenceEquals(child, AnyToken))
        {
            AnyToken = null;
        }
        else if (ReferenceEquals(child, AnyTail))
        {
            AnyTail = null;
        }
        else if (_literals is not null && _literals.Remove(child.Token) && _literals.Count == 0)
        {
            _literals = null;
            _literalsBySpan = default;
        }
    }

    private TrieNode New(string token, out bool created)
    {
        created = true;
        return new TrieNode(this, token);
    }
}
