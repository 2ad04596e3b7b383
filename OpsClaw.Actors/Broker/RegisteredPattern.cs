namespace OpsClaw.Actors.Broker;

/// <summary>One live pattern as <c>control.topics</c> shows it: a copy, safe to keep after the registry changes.</summary>
/// <param name="Pattern">The pattern's text.</param>
/// <param name="Subscriptions">Its subscriptions without a group, by id.</param>
/// <param name="Groups">Its queue groups, by name.</param>
internal sealed record RegisteredPattern(string Pattern, IReadOnlyList<SubscriptionId> Subscriptions, IReadOnlyList<RegisteredGroup> Groups);

/// <summary>One queue group of a live pattern.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Members">Its members, by id.</param>
internal sealed record RegisteredGroup(string Name, IReadOnlyList<SubscriptionId> Members);
