using Akka.Configuration;

namespace OpsClaw.Actors;

/// <summary>The broker's settings, <c>opsclaw.broker</c>: the bounds a client cannot push past (docs/protocol.md §9).</summary>
/// <param name="MaxSubscriptionsPerConnection"><c>max-subscriptions-per-connection</c>: subscriptions one connection may hold at once.</param>
/// <param name="MaxQueued"><c>max-queued</c>: messages that may wait behind <c>max_pending</c> in one explicit-ack subscription or group.</param>
/// <param name="AckWait"><c>ack-wait</c>: how long an explicit-ack delivery may stay unacknowledged before it is delivered again.</param>
public sealed record BrokerSettings(int MaxSubscriptionsPerConnection, int MaxQueued, TimeSpan AckWait)
{
    /// <summary>Where the settings live in a config: <c>opsclaw.broker</c>.</summary>
    public const string ConfigPath = "opsclaw.broker";

    /// <summary>The embedded defaults: 1000 subscriptions per connection, 100000 queued, 30 s ack-wait.</summary>
    public static BrokerSettings Default { get; } = new(1000, 100_000, TimeSpan.FromSeconds(30));

    /// <summary>Reads the broker's settings from a full config, checked like every other setting.</summary>
    /// <param name="config">The actor system's config, or any config holding <c>opsclaw</c> keys.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="IpcSettingsException">A setting under <c>opsclaw</c> is bad; every problem is listed.</exception>
    public static BrokerSettings Create(Config config) => IpcSettings.Create(config).Broker;

    /// <summary><c>storage</c>: where streams are stored.</summary>
    public StorageSettings Storage { get; init; } = StorageSettings.Default;

    /// <summary><c>streams</c>: the declared durable streams, by name.</summary>
    public IReadOnlyList<StreamSettings> Streams { get; init; } = [];
}
