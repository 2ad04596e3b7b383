namespace OpsClaw.Actors.Broker;

/// <summary>
/// Rendezvous (highest random weight) hashing: a key goes to the member with the highest weight for
/// that key. Each (key, member) weight depends on nothing else, so while the members stay the same a
/// key keeps its member, and when a member leaves only the keys it had move (each to its own runner-up);
/// a member that joins takes only the keys it now outweighs. No ring or table is kept.
/// </summary>
internal static class Rendezvous
{
    /// <summary>The index of the member <paramref name="keyHash"/> goes to; ties (practically never) go to the lower id, so the choice is still fixed.</summary>
    /// <param name="members">The group's members, in any order: the order does not change the choice.</param>
    /// <param name="keyHash">The key's <see cref="StableHash.OfText"/>, computed once per message.</param>
    public static int Choose(ReadOnlySpan<SubscriptionId> members, ulong keyHash)
    {
        if (members.IsEmpty)
        {
            throw new ArgumentException("a group has at least one member", nameof(members));
        }

        var best = 0;
        var bestWeight = Weight(keyHash, members[0]);
        for (var i = 1; i < members.Length; i++)
        {
            var weight = Weight(keyHash, members[i]);
            if (weight > bestWeight || (weight == bestWeight && members[i].Value < members[best].Value))
            {
                best = i;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>
    /// The weight of one member for one key. Mixing the member's id before combining it with the key
    /// (and mixing again after) makes the weights of one key over consecutive ids look independent.
    /// </summary>
    public static ulong Weight(ulong keyHash, SubscriptionId member) =>
        StableHash.Mix(keyHash ^ StableHash.Mix(unchecked((ulong)member.Value)));
}
