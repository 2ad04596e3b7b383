using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Clustering;

/// <summary>
/// Where one publish goes in the cluster (docs/cluster.md): to every other node with a plain
/// subscription it matches, and, for each queue group it matches, to the one node (this one or
/// another) serving the message. That node is chosen among the group's members cluster-wide,
/// weighted by how many each node has: by rendezvous hashing of the key over (node, member number)
/// pairs, which every node computes alike, so a key stays on its node while membership is stable;
/// in turn for a message without a key. The node then picks its member as a single node does.
/// One instance is reused for every publish; read a plan before making the next.
/// </summary>
internal sealed class ClusterRoute
{
    private const int MaxTurnsKept = 10_000;

    private readonly MatchResult _remoteMatch = new();
    private readonly ulong _selfHash;
    private readonly Dictionary<RemoteNode, List<GroupPick>> _targets = [];
    private readonly Stack<List<GroupPick>> _spare = new();
    private readonly HashSet<QueueGroup> _servedElsewhere = [];
    private readonly Dictionary<GroupName, int> _turns = [];

    public ClusterRoute(string selfAddress)
    {
        _selfHash = StableHash.OfText(selfAddress);
    }

    public RemoteInterest Interest { get; } = new();

    /// <summary>Subscriptions and groups on other nodes the last plan reached (a group with members here too is counted once, by the local match).</summary>
    public int RemoteMatched { get; private set; }

    /// <summary>The other nodes the last plan sends the message to, each with the groups it serves.</summary>
    public IReadOnlyDictionary<RemoteNode, List<GroupPick>> Targets => _targets;

    /// <summary>Whether a local group's message goes to another node in the last plan (this node must not deliver it).</summary>
    public bool ServedElsewhere(QueueGroup group) => _servedElsewhere.Count > 0 && _servedElsewhere.Contains(group);

    /// <summary>Whether any other node subscribes to a pattern <paramref name="topic"/> matches.</summary>
    public bool AnyRemote(string topic)
    {
        Interest.Match(topic, _remoteMatch);
        return _remoteMatch.Matched > 0;
    }

    /// <summary>Plans a publish of <paramref name="topic"/>, given what it matched here.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="keyHash">Its key's hash, or null.</param>
    /// <param name="local">The local match of the same topic.</param>
    public void Plan(string topic, ulong? keyHash, MatchResult local)
    {
        Clear();
        if (Interest.Nodes.Count == 0)
        {
            return;
        }

        Interest.Match(topic, _remoteMatch);
        foreach (var id in _remoteMatch.Subscriptions)
        {
            var entry = Interest.EntryOf(id);
            RemoteMatched += entry.Count;
            Target(entry.Node);
        }

        foreach (var remoteGroup in _remoteMatch.Groups)
        {
            var localGroup = local.FindGroup(remoteGroup.Name, remoteGroup.Pattern);
            if (localGroup is null)
            {
                RemoteMatched++;
            }

            var name = new GroupName(remoteGroup.Name, remoteGroup.Pattern);
            var (chosen, isExplicit) = Choose(name, keyHash, remoteGroup.Members, localGroup?.MemberCount ?? 0, excluded: null);
            if (chosen is not null)
            {
                Target(chosen).Add(new GroupPick(name, isExplicit));
                if (localGroup is not null)
                {
                    _servedElsewhere.Add(localGroup);
                }
            }
        }
    }

    /// <summary>
    /// Routes one message of one group again (its node went away, or gave it back): among the
    /// group's members on this node (<paramref name="localMembers"/>) and on every other node but
    /// <paramref name="excluded"/> (a node's <c>address#uid</c>).
    /// </summary>
    /// <returns>Whether a member is left anywhere, and the node chosen (null: this one).</returns>
    public (bool Found, RemoteNode? Node) ChooseAgain(GroupName group, ulong? keyHash, int localMembers, string? excluded)
    {
        var (node, _) = Choose(group, keyHash, Interest.MembersOf(group), localMembers, excluded);
        return node is not null || localMembers > 0 ? (true, node) : (false, null);
    }

    /// <summary>Forgets the last plan.</summary>
    public void Clear()
    {
        RemoteMatched = 0;
        _servedElsewhere.Clear();
        foreach (var groups in _targets.Values)
        {
            groups.Clear();
            _spare.Push(groups);
        }

        _targets.Clear();
    }

    private List<GroupPick> Target(RemoteNode node)
    {
        if (!_targets.TryGetValue(node, out var groups))
        {
            groups = _spare.TryPop(out var spare) ? spare : [];
            _targets.Add(node, groups);
        }

        return groups;
    }

    /// <summary>The node serving one message of a group (null: this one, or no member anywhere), and whether the group acknowledges explicitly there.</summary>
    private (RemoteNode? Node, bool Explicit) Choose(GroupName name, ulong? keyHash, ReadOnlySpan<SubscriptionId> remoteMembers, int localMembers, string? excluded)
    {
        RemoteNode? best = null;
        var bestExplicit = false;
        if (keyHash is { } hash)
        {
            var chosen = localMembers > 0;
            var (bestWeight, bestHash) = chosen ? (BestWeight(hash, _selfHash, localMembers), _selfHash) : (0UL, 0UL);
            foreach (var id in remoteMembers)
            {
                var entry = Interest.EntryOf(id);
                if (entry.Node.Key == excluded)
                {
                    continue;
                }

                var weight = BestWeight(hash, entry.Node.Hash, entry.Count);
                if (!chosen || weight > bestWeight || (weight == bestWeight && entry.Node.Hash < bestHash))
                {
                    (best, bestExplicit, chosen, bestWeight, bestHash) = (entry.Node, entry.Explicit, true, weight, entry.Node.Hash);
                }
            }

            return (best, bestExplicit);
        }

        return InTurn(name, remoteMembers, localMembers, excluded);
    }

    /// <summary>The highest rendezvous weight of a key over a node's members, numbered 0 to <paramref name="members"/> − 1.</summary>
    private static ulong BestWeight(ulong keyHash, ulong nodeHash, int members)
    {
        var best = 0UL;
        for (var i = 0; i < members; i++)
        {
            best = Math.Max(best, StableHash.Mix(keyHash ^ StableHash.Mix(unchecked(nodeHash + (ulong)i))));
        }

        return best;
    }

    /// <summary>Members take turns across nodes: each node gets a share as large as its number of members.</summary>
    private (RemoteNode? Node, bool Explicit) InTurn(GroupName name, ReadOnlySpan<SubscriptionId> remoteMembers, int localMembers, string? excluded)
    {
        var total = localMembers;
        foreach (var id in remoteMembers)
        {
            var entry = Interest.EntryOf(id);
            total += entry.Node.Key == excluded ? 0 : entry.Count;
        }

        if (total == 0)
        {
            return (null, false);
        }

        if (_turns.Count >= MaxTurnsKept && !_turns.ContainsKey(name))
        {
            // Groups come and go; starting every turn afresh now and then keeps this bounded.
            _turns.Clear();
        }

        var turn = _turns.GetValueOrDefault(name) % total;
        _turns[name] = turn + 1;
        if (turn < localMembers)
        {
            return (null, false);
        }

        turn -= localMembers;
        foreach (var id in remoteMembers)
        {
            var entry = Interest.EntryOf(id);
            if (entry.Node.Key == excluded)
            {
                continue;
            }

            if (turn < entry.Count)
            {
                return (entry.Node, entry.Explicit);
            }

            turn -= entry.Count;
        }

        return (null, false);
    }
}

/// <summary>A group one node serves for one message; <paramref name="Explicit"/> when it acknowledges explicitly (the message then goes in the ledger).</summary>
internal readonly record struct GroupPick(GroupName Group, bool Explicit);
