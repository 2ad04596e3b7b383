namespace OpsClaw.Actors.Broker;

/// <summary>
/// The live subscriptions by pattern, kept as a token trie. Matching a topic walks its tokens from
/// the root, following at each node the literal child for the token, the <c>*</c> child and the
/// <c>&gt;</c> leaf, so it costs per token of the topic and per pattern that could still match, never
/// per subscription: ten thousand subscribers on one pattern are one node. A node goes as soon as
/// nothing hangs at it or below, so memory returns when subscriptions do. Not thread-safe: one actor owns it.
/// </summary>
internal sealed class SubscriptionRegistry
{
    private readonly TrieNode _root = new(null, "");
    private readonly Dictionary<SubscriptionId, Registration> _registrations = [];

    public int SubscriptionCount => _registrations.Count;

    /// <summary>Patterns with at least one live subscription (what <c>control.topics</c> lists).</summary>
    public int PatternCount { get; private set; }

    /// <summary>Trie nodes besides the root; zero once every subscription is gone.</summary>
    public int NodeCount { get; private set; }

    public bool Contains(SubscriptionId id) => _registrations.ContainsKey(id);

    /// <summary>
    /// Registers a subscription under a pattern, as a member of the group <paramref name="group"/> of
    /// that pattern when given (made on its first member).
    /// </summary>
    /// <returns>The group it joined, or null for a plain subscription.</returns>
    /// <exception cref="ArgumentException">The id is already registered.</exception>
    public QueueGroup? Add(SubscriptionId id, TopicPattern pattern, string? group = null)
    {
        if (_registrations.ContainsKey(id))
        {
            throw new ArgumentException($"subscription {id} is already registered", nameof(id));
        }

        var node = _root;
        foreach (var token in pattern.Tokens)
        {
            node = node.Child(token, out var created);
            if (created)
            {
                NodeCount++;
            }
        }

        if (!node.HoldsSubscriptions)
        {
            PatternCount++;
            node.Pattern = pattern.Text;
        }

        QueueGroup? joined = null;
        if (group is null)
        {
            var plain = node.Plain ??= [];
            plain.Add(new Registration(id, node, null) { Index = plain.Count });
            _registrations.Add(id, plain[^1]);
        }
        else
        {
            var groups = node.Groups ??= new Dictionary<string, QueueGroup>(StringComparer.Ordinal);
            if (!groups.TryGetValue(group, out joined))
            {
                joined = new QueueGroup(group, pattern.Text);
                groups.Add(group, joined);
            }

            joined.Join(id);
            _registrations.Add(id, new Registration(id, node, joined));
        }

        return joined;
    }

    /// <summary>Removes a subscription and prunes the nodes it leaves empty.</summary>
    /// <param name="id">The subscription.</param>
    /// <param name="group">The group it left (with no member left if it was the last), or null.</param>
    /// <returns>False when the id was not registered.</returns>
    public bool Remove(SubscriptionId id, out QueueGroup? group)
    {
        group = null;
        if (!_registrations.Remove(id, out var registration))
        {
            return false;
        }

        var node = registration.Node;
        group = registration.Group;
        if (group is null)
        {
            RemovePlain(node, registration);
        }
        else
        {
            group.Leave(id);
            if (group.MemberCount == 0)
            {
                node.Groups!.Remove(group.Name);
                if (node.Groups.Count == 0)
                {
                    node.Groups = null;
                }
            }
        }

        if (!node.HoldsSubscriptions)
        {
            PatternCount--;
            node.Pattern = null;
        }

        Prune(node);
        return true;
    }

    /// <summary>Removes a subscription; false when it was not registered.</summary>
    public bool Remove(SubscriptionId id) => Remove(id, out _);

    /// <summary>
    /// Fills <paramref name="result"/> with what <paramref name="topic"/> matches: every plain
    /// subscription once and every group once. The topic must be one <see cref="TopicSyntax.CheckTopic"/>
    /// accepts (the publish path checks it first); an empty token matches nothing.
    /// </summary>
    public void Match(string topic, MatchResult result)
    {
        result.Clear();
        if (topic.Length > 0)
        {
            Walk(_root, topic, result);
        }
    }

    /// <summary>Every live pattern with its subscriptions and groups, ordered by pattern, members by id.</summary>
    public IReadOnlyList<RegisteredPattern> Patterns()
    {
        var patterns = new List<RegisteredPattern>(PatternCount);
        var pending = new Stack<TrieNode>();
        pending.Push(_root);
        while (pending.TryPop(out var node))
        {
            if (node.Pattern is { } text)
            {
                patterns.Add(new RegisteredPattern(text, Sorted(node.Plain?.Select(registration => registration.Id)), Groups(node)));
            }

            foreach (var child in node.Children)
            {
                pending.Push(child);
            }
        }

        patterns.Sort((a, b) => string.CompareOrdinal(a.Pattern, b.Pattern));
        return patterns;
    }

    /// <summary>
    /// Each step takes one token of <paramref name="rest"/> (which is never empty). Every pattern
    /// reaches its node along one path only, so no node is collected twice and no dedup is needed;
    /// only where both a literal and a <c>*</c> child continue does the walk branch (by recursion,
    /// at most one frame per token).
    /// </summary>
    private static void Walk(TrieNode node, ReadOnlySpan<char> rest, MatchResult result)
    {
        while (true)
        {
            var dot = rest.IndexOf('.');
            var token = dot < 0 ? rest : rest[..dot];
            if (token.IsEmpty)
            {
                return;
            }

            // '>' takes this token and everything after it, however many remain.
            if (node.AnyTail is { } tail)
            {
                result.Collect(tail);
            }

            var literal = node.Literal(token);
            var any = node.AnyToken;
            if (dot < 0)
            {
                if (literal is not null)
                {
                    result.Collect(literal);
                }

                if (any is not null)
                {
                    result.Collect(any);
                }

                return;
            }

            rest = rest[(dot + 1)..];
            if (literal is not null && any is not null)
            {
                Walk(any, rest, result);
            }

            if ((literal ?? any) is not { } next)
            {
                return;
            }

            node = next;
        }
    }

    private static void RemovePlain(TrieNode node, Registration registration)
    {
        var plain = node.Plain!;
        var last = plain[^1];
        plain[registration.Index] = last;
        last.Index = registration.Index;
        plain.RemoveAt(plain.Count - 1);
        if (plain.Count == 0)
        {
            node.Plain = null;
        }
    }

    private void Prune(TrieNode node)
    {
        while (node.Parent is { } parent && node.IsEmpty)
        {
            parent.Remove(node);
            NodeCount--;
            node = parent;
        }
    }

    private static IReadOnlyList<RegisteredGroup> Groups(TrieNode node) =>
        node.Groups is null
            ? []
            : [.. node.Groups.Values
                .OrderBy(group => group.Name, StringComparer.Ordinal)
                .Select(group => new RegisteredGroup(group.Name, Sorted(group.Members.ToArray())))];

    private static SubscriptionId[] Sorted(IEnumerable<SubscriptionId>? ids) =>
        ids is null ? [] : [.. ids.Order()];
}
