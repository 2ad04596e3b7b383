using System.Runtime.InteropServices;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// The subscriptions that share a group name and a pattern: each message for the group goes to one
/// of them. The registry keeps the members; the group chooses among them, by key (rendezvous
/// hashing, so a key stays with its member while the members stay the same) or, for a message
/// without a key, in turn.
/// </summary>
internal sealed class QueueGroup
{
    private readonly List<SubscriptionId> _members = [];

    /// <summary>Where the next message without a key goes; kept modulo the member count when it is used, so a leave cannot push it out of range.</summary>
    private int _nextInTurn;

    public QueueGroup(string name, string pattern)
    {
        Name = name;
        Pattern = pattern;
    }

    public string Name { get; }

    /// <summary>The pattern's text: a group of the same name under another pattern is another group.</summary>
    public string Pattern { get; }

    /// <summary>The members, in no meaningful order (a leave moves the last member into the gap).</summary>
    public ReadOnlySpan<SubscriptionId> Members => CollectionsMarshal.AsSpan(_members);

    public int MemberCount => _members.Count;

    /// <summary>The member a message goes to: by its key's hash when it has a key, else the next in turn.</summary>
    /// <param name="keyHash">The key's <see cref="StableHash.OfText"/>, or null for a message without a key.</param>
    /// <exception cref="InvalidOperationException">The group has no member (the registry drops a group with its last member).</exception>
    public SubscriptionId Choose(ulong? keyHash)
    {
        if (_members.Count == 0)
        {
            throw new InvalidOperationException($"queue group '{Name}' on '{Pattern}' has no member");
        }

        return keyHash is { } hash ? _members[Rendezvous.Choose(Members, hash)] : NextInTurn();
    }

    /// <summary>The member a message with this key goes to (hashes the key; a broker hashes it once per message and calls <see cref="Choose"/>).</summary>
    public SubscriptionId ChooseFor(string? key) => Choose(key is null ? null : StableHash.OfText(key));

    internal void Join(SubscriptionId member) => _members.Add(member);

    /// <summary>Removes a member; order is not kept, since neither choice depends on it.</summary>
    internal bool Leave(SubscriptionId member)
    {
        var index = _members.IndexOf(member);
        if (index < 0)
        {
            return false;
        }

        _members[index] = _members[^1];
        _members.RemoveAt(_members.Count - 1);
        return true;
    }

    private SubscriptionId NextInTurn()
    {
        var index = _nextInTurn % _members.Count;
        _nextInTurn = index + 1;
        return _members[index];
    }
}
