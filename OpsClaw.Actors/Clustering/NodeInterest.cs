using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Clustering;

/// <summary>
/// What one node's broker subscribes to, as the other nodes see it in the replicated registry
/// (docs/cluster.md): its patterns with how many plain subscriptions each has, and its queue
/// groups with how many members each has here. A publish on another node is sent to this one only
/// when it matches something listed, and a group's members across nodes share its messages.
/// </summary>
internal sealed class NodeInterest : IClusterMessage, IEquatable<NodeInterest>
{
    public NodeInterest(string broker, PatternInterest[] patterns, GroupInterest[] groups)
    {
        Broker = broker;
        Patterns = patterns;
        Groups = groups;
    }

    /// <summary>The full path of the node's broker actor, address included: where publishes for it are sent.</summary>
    public string Broker { get; }

    /// <summary>Patterns with at least one plain subscription, ordered by pattern.</summary>
    public PatternInterest[] Patterns { get; }

    /// <summary>Queue groups with at least one member on the node, ordered by pattern, then name.</summary>
    public GroupInterest[] Groups { get; }

    /// <summary>Subscriptions the node holds: plain ones and group members.</summary>
    public int Subscriptions => Patterns.Sum(pattern => pattern.Subscriptions) + Groups.Sum(group => group.Members);

    /// <summary>The interest of a registry's live subscriptions.</summary>
    /// <param name="broker">The broker's full path.</param>
    /// <param name="registered">The registry's patterns.</param>
    /// <param name="isExplicit">Whether a group (name, pattern) acknowledges explicitly.</param>
    public static NodeInterest Of(string broker, IReadOnlyList<RegisteredPattern> registered, Func<string, string, bool> isExplicit)
    {
        var patterns = new List<PatternInterest>();
        var groups = new List<GroupInterest>();
        foreach (var pattern in registered)
        {
            if (pattern.Subscriptions.Count > 0)
            {
                patterns.Add(new PatternInterest(pattern.Pattern, pattern.Subscriptions.Count));
            }

            foreach (var group in pattern.Groups.OrderBy(group => group.Name, StringComparer.Ordinal))
            {
                groups.Add(new GroupInterest(group.Name, pattern.Pattern, group.Members.Count, isExplicit(group.Name, pattern.Pattern)));
            }
        }

        return new NodeInterest(broker, [.. patterns], [.. groups]);
    }

    public bool Equals(NodeInterest? other) =>
        other is not null
        && Broker == other.Broker
        && Patterns.AsSpan().SequenceEqual(other.Patterns)
        && Groups.AsSpan().SequenceEqual(other.Groups);

    public override bool Equals(object? obj) => Equals(obj as NodeInterest);

    public override int GetHashCode() => HashCode.Combine(Broker, Patterns.Length, Groups.Length);
}

/// <summary>A pattern and its plain subscriptions on one node.</summary>
internal sealed record PatternInterest(string Pattern, int Subscriptions);

/// <summary>A queue group and its members on one node; <paramref name="Explicit"/> for an explicit-ack group.</summary>
internal sealed record GroupInterest(string Name, string Pattern, int Members, bool Explicit);
