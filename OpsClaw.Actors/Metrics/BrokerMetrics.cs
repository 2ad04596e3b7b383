using Akka.Actor;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Metrics;

/// <summary>
/// The broker's totals for one actor system: counted by the broker actors and the connections that
/// write deliveries, read by <c>control.status</c>, and published on <see cref="IpcMeter"/> at the
/// same time. Thread-safe; one per actor system (an Akka extension), so two hosts in one process do
/// not mix their figures.
/// </summary>
internal sealed class BrokerMetrics : IExtension
{
    private long _published;
    private long _delivered;
    private long _redelivered;
    private long _dropped;
    private long _refused;
    private long _subscriptions;

    public static BrokerMetrics Get(ActorSystem system) => system.WithExtension<BrokerMetrics, BrokerMetricsProvider>();

    public void Published()
    {
        Interlocked.Increment(ref _published);
        IpcMeter.Published.Add(1);
    }

    public void Delivered(bool redelivered)
    {
        Interlocked.Increment(ref _delivered);
        IpcMeter.Delivered.Add(1);
        if (redelivered)
        {
            Interlocked.Increment(ref _redelivered);
            IpcMeter.Redelivered.Add(1);
        }
    }

    /// <summary>Counts <paramref name="count"/> first deliveries at once: a connection reports a batch's, not each one's, so the shared total is touched once per batch.</summary>
    public void Delivered(long count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _delivered, count);
            IpcMeter.Delivered.Add(count);
        }
    }

    public void Dropped()
    {
        Interlocked.Increment(ref _dropped);
        IpcMeter.Dropped.Add(1);
    }

    public void Refused() => Interlocked.Increment(ref _refused);

    public void SubscriptionAdded()
    {
        Interlocked.Increment(ref _subscriptions);
        IpcMeter.Subscriptions.Add(1);
    }

    public void SubscriptionRemoved()
    {
        Interlocked.Decrement(ref _subscriptions);
        IpcMeter.Subscriptions.Add(-1);
    }

    public BrokerTotals Snapshot() => new(
        Interlocked.Read(ref _published),
        Interlocked.Read(ref _delivered),
        Interlocked.Read(ref _redelivered),
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _refused),
        Interlocked.Read(ref _subscriptions));
}

/// <summary>Makes the <see cref="BrokerMetrics"/> of an actor system.</summary>
internal sealed class BrokerMetricsProvider : ExtensionIdProvider<BrokerMetrics>
{
    public override BrokerMetrics CreateExtension(ExtendedActorSystem system) => new();
}
