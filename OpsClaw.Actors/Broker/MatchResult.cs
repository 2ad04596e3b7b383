using System.Runtime.InteropServices;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// What one topic matched: the plain subscriptions and the queue groups (each group once, however
/// many of its members there are). One instance is reused for every publish, so matching allocates
/// nothing once the lists have grown to the largest fan-out seen; read it before the next match.
/// </summary>
internal sealed class MatchResult
{
    private readonly List<SubscriptionId> _subscriptions = [];
    private readonly List<QueueGroup> _groups = [];

    public ReadOnlySpan<SubscriptionId> Subscriptions => CollectionsMarshal.AsSpan(_subscriptions);

    public ReadOnlySpan<QueueGroup> Groups => CollectionsMarshal.AsSpan(_groups);

    /// <summary>The deliveries the publish makes: one per plain subscription, one per group (the reply's <c>matched</c>).</summary>
    public int Matched => _subscriptions.Count + _groups.Count;

    /// <summary>The matched group with this name and pattern, or null.</summary>
    public QueueGroup? FindGroup(string name, string pattern)
    {
        foreach (var group in _groups)
        {
            if (group.Name == name && group.Pattern == pattern)
            {
                return group;
            }
        }

        return null;
    }

    internal void Clear()
    {
        _subscriptions.Clear();
        _groups.Clear();
    }

    /// <summary>Takes everything that hangs at a node whose pattern the topic matches.</summary>
    internal void Collect(TrieNode node)
    {
        if (node.Plain is { } plain)
        {
            foreach (var registration in CollectionsMarshal.AsSpan(plain))
            {
                _subscriptions.Add(registration.Id);
            }
        }

        if (node.Groups is { } groups)
        {
            foreach (var group in groups.Values)
            {
                _groups.Add(group);
            }
        }
    }
}
