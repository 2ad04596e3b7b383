namespace OpsClaw.Bench;

/// <summary>One node's view of the cluster, from its <c>control.cluster</c> reply: itself and every member it knows of.</summary>
internal sealed record ClusterView(string Self, IReadOnlyList<ClusterMemberView> Members)
{
    /// <summary>Whether it sees exactly <paramref name="count"/> members, each up and reachable.</summary>
    public bool AllUp(int count) => Members.Count == count && Members.All(member => member.Status == "up" && member.Reachable);

    /// <summary>The subscriptions the replicated registry shows here for the member at <paramref name="address"/>; 0 for one it does not know.</summary>
    public int SubscriptionsOf(string address) =>
        Members.FirstOrDefault(member => member.Address == address)?.Subscriptions ?? 0;

    /// <summary>For a message on timeout: every member as this node sees it.</summary>
    public override string ToString() =>
        $"{Self} sees " + string.Join(", ", Members.Select(member =>
            $"{member.Address} {member.Status}{(member.Reachable ? "" : " unreachable")} with {member.Subscriptions} subscriptions"));
}

/// <summary>A member as one node sees it: its membership status, reachability, and subscriptions in the registry.</summary>
internal sealed record ClusterMemberView(string Address, string Status, bool Reachable, int Subscriptions);
