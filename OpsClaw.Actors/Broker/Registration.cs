namespace OpsClaw.Actors.Broker;

/// <summary>Where a subscription hangs in the trie, so removing it needs no search.</summary>
internal sealed class Registration(SubscriptionId id, TrieNode node, QueueGroup? group)
{
    public SubscriptionId Id { get; } = id;

    public TrieNode Node { get; } = node;

    /// <summary>The group it is a member of, or null for a plain subscription.</summary>
    public QueueGroup? Group { get; } = group;

    /// <summary>Its index in <see cref="TrieNode.Plain"/> (plain subscriptions only).</summary>
    public int Index { get; set; }
}
