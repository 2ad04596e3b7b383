using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Clustering;

/// <summary>
/// The other nodes' interest, kept in a subscription trie of its own so that finding the nodes a
/// topic concerns costs per topic depth, as local matching does. Each node's pattern (with its
/// count of plain subscriptions) and each node's group (with its count of members) is one entry of
/// the trie; a group's entries on every node share one <see cref="QueueGroup"/> there.
/// </summary>
internal sealed class RemoteInterest
{
    private readonly SubscriptionRegistry _trie = new();
    private readonly Dictionary<string, RemoteNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<SubscriptionId, Entry> _entries = [];

    /// <summary>Each group's entries, one per node with members, for routing a message of that group again.</summary>
    private readonly Dictionary<GroupName, List<SubscriptionId>> _groups = [];
    private long _lastId;

    /// <summary>The nodes with interest, by their key: address and incarnation (<c>address#uid</c>), so a node restarted on the same address is another node.</summary>
    public IReadOnlyDictionary<string, RemoteNode> Nodes => _nodes;

    /// <summary>One node's interest now; replaces what it had.</summary>
    /// <param name="key">The node's <c>address#uid</c>.</param>
    /// <param name="address">The node's address.</param>
    /// <param name="interest">What it subscribes to.</param>
    /// <returns>Whether anything changed.</returns>
    public bool Set(string key, string address, NodeInterest interest)
    {
        if (_nodes.TryGetValue(key, out var known) && known.Interest.Equals(interest))
        {
            return false;
        }

        Remove(key);
        var remote = new RemoteNode(key, address, interest);
        foreach (var pattern in interest.Patterns)
        {
            Add(remote, pattern.Pattern, null, pattern.Subscriptions, false);
        }

        foreach (var group in interest.Groups)
        {
            Add(remote, group.Pattern, group.Name, group.Members, group.Explicit);
        }

        _nodes.Add(key, remote);
        return true;
    }

    /// <summary>Forgets a node (it left, or was downed).</summary>
    /// <returns>Whether it was known.</returns>
    public bool Remove(string node)
    {
        if (!_nodes.Remove(node, out var remote))
        {
            return false;
        }

        foreach (var id in remote.Entries)
        {
            _trie.Remove(id);
            _entries.Remove(id, out var entry);
            if (entry.Group is { } group && _groups.TryGetValue(group, out var members))
            {
                members.Remove(id);
                if (members.Count == 0)
                {
                    _groups.Remove(group);
                }
            }
        }

        return true;
    }

    /// <summary>What a topic matches on the other nodes: plain entries in <see cref="MatchResult.Subscriptions"/>, groups in <see cref="MatchResult.Groups"/>; read them with <see cref="EntryOf"/>.</summary>
    public void Match(string topic, MatchResult result) => _trie.Match(topic, result);

    /// <summary>The node and count behind an id <see cref="Match"/> gave.</summary>
    public Entry EntryOf(SubscriptionId id) => _entries[id];

    /// <summary>A group's entries on the other nodes (one per node with members); empty when it has none.</summary>
    public ReadOnlySpan<SubscriptionId> MembersOf(GroupName group) =>
        _groups.TryGetValue(group, out var members) ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(members) : [];

    private void Add(RemoteNode node, string pattern, string? group, int count, bool isExplicit)
    {
        if (count <= 0 || !TopicPattern.TryParse(pattern, out var parsed, out _))
        {
            // A peer's registry holds only valid patterns; anything else is skipped rather than trusted.
            return;
        }

        var id = new SubscriptionId(++_lastId);
        _trie.Add(id, parsed, group);
        GroupName? name = group is null ? null : new GroupName(group, pattern);
        _entries.Add(id, new Entry(node, count, isExplicit, name));
        node.Entries.Add(id);
        if (name is { } key)
        {
            if (!_groups.TryGetValue(key, out var members))
            {
                members = [];
                _groups.Add(key, members);
            }

            members.Add(id);
        }
    }

    /// <summary>One node's pattern or group: how many subscriptions or members it stands for.</summary>
    /// <param name="Node">The node.</param>
    /// <param name="Count">Its plain subscriptions on the pattern, or its members of the group.</param>
    /// <param name="Explicit">The group acknowledges explicitly.</param>
    /// <param name="Group">The group, or null for a pattern's plain subscriptions.</param>
    internal readonly record struct Entry(RemoteNode Node, int Count, bool Explicit, GroupName? Group);
}

/// <summary>A node with interest, and where its publishes go.</summary>
internal sealed class RemoteNode
{
    public RemoteNode(string key, string address, NodeInterest interest)
    {
        Key = key;
        Address = address;
        Interest = interest;
        Hash = StableHash.OfText(address);
    }

    /// <summary>The node's <c>address#uid</c>: this incarnation of it.</summary>
    public string Key { get; }

    /// <summary>The node's address, as the cluster writes it.</summary>
    public string Address { get; }

    public NodeInterest Interest { get; }

    /// <summary><see cref="StableHash.OfText"/> of <see cref="Address"/>: the same on every node, so every node chooses a group's member alike.</summary>
    public ulong Hash { get; }

    /// <summary>Its entries in the trie.</summary>
    internal List<SubscriptionId> Entries { get; } = [];
}
