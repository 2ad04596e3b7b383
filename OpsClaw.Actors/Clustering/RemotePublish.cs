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
internal sealed record RemoteMessage(string Topic, string Body, string? Key, string? RunId, GroupName[] Groups);

/// <summary>A queue group: its name and pattern (the same name on another pattern is another group).</summary>
internal readonly record struct GroupName(string Name, string Pattern);
