using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Channels;

/// <summary>The broker's state as <c>control.topics</c> shows it (docs/protocol.md §9.6).</summary>
internal static class BrokerTopics
{
    public static string AckName(AckMode ack) => ack == AckMode.Explicit ? "explicit" : "none";

    public static TopicsReport Report(
        SubscriptionRegistry registry,
        IReadOnlyDictionary<SubscriptionId, LiveSubscription> subscriptions,
        IReadOnlyDictionary<(string Name, string Pattern), GroupState> groups) =>
        new([.. registry.Patterns().Select(pattern => new TopicPatternInfo(
            pattern.Pattern,
            [.. pattern.Subscriptions.Select(id => Info(subscriptions[id]))],
            [.. pattern.Groups.Select(group =>
            {
                var state = groups[(group.Name, pattern.Pattern)];
                return new GroupInfo(group.Name, AckName(state.Ack), state.Stats.Queued, [.. group.Members.Select(id => Info(subscriptions[id]))]);
            })]))]);

    private static SubscriptionInfo Info(LiveSubscription subscription)
    {
        var stats = subscription.Stats;
        return new SubscriptionInfo(
            subscription.Connection.Path.Name,
            subscription.Subscription,
            AckName(subscription.Ack),
            subscription.MaxPending,
            stats.Pending,
            stats.Queued,
            stats.Delivered,
            stats.Redelivered,
            stats.Dropped);
    }
}
