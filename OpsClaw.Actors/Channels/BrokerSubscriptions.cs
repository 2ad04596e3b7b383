using System.Globalization;
using Akka.Actor;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Channels;

/// <summary>One live subscription as the broker keeps it.</summary>
/// <param name="Id">The broker's handle.</param>
/// <param name="Connection">The connection it belongs to and whose socket its deliveries go out on.</param>
/// <param name="Subscription">Its id on that connection (<c>s1</c>, <c>s2</c>, …).</param>
/// <param name="Pattern">The pattern's text.</param>
/// <param name="Group">Its queue group, or null.</param>
/// <param name="Ack">How its deliveries are settled.</param>
/// <param name="MaxPending">Its <c>max_pending</c>.</param>
/// <param name="Stats">Its figures.</param>
/// <param name="Queue">The acknowledgement queue its messages go through (its own, or its group's); null with <c>ack: none</c>.</param>
/// <param name="Gauge">Its own queue's gauge (explicit ack without a group); a group's is the group's.</param>
internal sealed record LiveSubscription(
    SubscriptionId Id,
    IActorRef Connection,
    string Subscription,
    string Pattern,
    string? Group,
    AckMode Ack,
    int MaxPending,
    SubscriptionStats Stats,
    IActorRef? Queue,
    QueueGauge? Gauge);

/// <summary>The subscriptions of one connection, by the id it knows them by.</summary>
internal sealed class ConnectionSubscriptions
{
    private readonly Dictionary<string, LiveSubscription> _byId = new(StringComparer.Ordinal);
    private long _lastNumber;

    public int Count => _byId.Count;

    public IReadOnlyCollection<LiveSubscription> All => _byId.Values;

    /// <summary>The next id: <c>s1</c>, <c>s2</c>, … never reused on this connection, so a late delivery or ack cannot reach a newer subscription.</summary>
    public string NextId() => "s" + (++_lastNumber).ToString(CultureInfo.InvariantCulture);

    public void Add(LiveSubscription subscription) => _byId.Add(subscription.Subscription, subscription);

    public LiveSubscription? Find(string subscription) => _byId.GetValueOrDefault(subscription);

    public bool Remove(string subscription) => _byId.Remove(subscription);
}

/// <summary>One queue group (a group name on one pattern) as the broker keeps it.</summary>
/// <param name="ack">The ack mode its first member chose; every member must match it.</param>
/// <param name="stats">The group's own figures (what waits for a member).</param>
internal sealed class GroupState(AckMode ack, SubscriptionStats stats)
{
    public AckMode Ack { get; } = ack;

    public SubscriptionStats Stats { get; } = stats;

    public int Members { get; set; }

    /// <summary>The group's acknowledgement queue (explicit ack); it outlives its last member by ack-wait.</summary>
    public IActorRef? Queue { get; set; }

    public QueueGauge? Gauge { get; set; }
}
