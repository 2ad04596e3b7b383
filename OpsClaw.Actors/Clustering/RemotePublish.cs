namespace OpsClaw.Actors.Clustering;

/// <summary>
/// Publishes made on one node for subscriptions on another, sent to that node's broker: every
/// publish one handled batch of requests made for it, in publish order, in one message.
/// </summary>
/// <param name="Messages">The messages.</param>
internal sealed record RemotePublish(RemoteMessage[] Messages) : IClusterMessage;

/// <summary>
/// One published message for a node: delivered to every plain subscription there that its topic
/// matches, and to the groups in <paramref name="Groups"/>, which the publishing node chose this
/// node to serve (a group is served by one node per message).
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Body">The body as compact JSON text.</param>
/// <param name="Key">The key, or null.</param>
/// <param name="RunId">The publisher's run_id, or null.</param>
/// <param name="Groups">The groups this node delivers it to.</param>
/// <param name="Resent">
/// It was delivered before, on a node that went away or gave it back, and is sent again for
/// <paramref name="Groups"/> only: the plain subscriptions here had it already.
/// </param>
internal sealed record RemoteMessage(string Topic, string Body, string? Key, string? RunId, RemoteGroup[] Groups, bool Resent);

/// <summary>A group a <see cref="RemoteMessage"/> is for, and its number in the sender's ledger.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Pattern">The group's pattern.</param>
/// <param name="Ledger">
/// For an explicit-ack group, the message's number in the sending node's ledger: the receiving node
/// tells it back in <see cref="RemoteSettled"/> once acknowledged, or in <see cref="RemoteReturned"/>
/// when it cannot deliver it. 0 for an at-most-once group.
/// </param>
internal readonly record struct RemoteGroup(string Name, string Pattern, long Ledger);

/// <summary>Messages of the receiving node's ledger that were acknowledged on the sending node: forgotten.</summary>
/// <param name="Ledger">Their numbers.</param>
internal sealed record RemoteSettled(long[] Ledger) : IClusterMessage;

/// <summary>Messages of the receiving node's ledger that the sending node cannot deliver (its group has no member there now): routed again.</summary>
/// <param name="Ledger">Their numbers.</param>
internal sealed record RemoteReturned(long[] Ledger) : IClusterMessage;

/// <summary>A queue group: its name and pattern (the same name on another pattern is another group).</summary>
internal readonly record struct GroupName(string Name, string Pattern);

/// <summary>
/// Asks the node holding these numbers of the sender's ledger (sent long ago, never settled) which
/// it does not hold: a message lost between the nodes is then routed again.
/// </summary>
/// <param name="Ledger">The numbers.</param>
internal sealed record LedgerCheck(long[] Ledger) : IClusterMessage;

/// <summary>The answer to a <see cref="LedgerCheck"/>: the numbers the node does not hold.</summary>
/// <param name="Ledger">Their numbers.</param>
internal sealed record LedgerMissing(long[] Ledger) : IClusterMessage;
