using System.CommandLine;
using System.Globalization;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>The one-request shortcuts: <c>opsclaw ping</c>, <c>health</c>, <c>channels</c>, <c>topics</c>, <c>streams</c> and <c>cluster</c>.</summary>
internal static class Shortcuts
{
    public static Command Ping() => ShortcutCommand.Create<StatusPayload>(
        "ping",
        "Send runtime.ping on the runtime socket: is the host up and answering? Prints the round trip.",
        RuntimeChannelActor.Name,
        MessageTypes.RuntimePing,
        (_, reply, target) => string.Create(CultureInfo.InvariantCulture, $"pong from {target.SocketPath} in {reply.RoundTrip.TotalMilliseconds:0.###} ms"));

    public static Command Health() => ShortcutCommand.Create<StatusPayload>(
        "health",
        "Send control.health on the control socket and print the host's health.",
        ControlChannelActor.Name,
        MessageTypes.ControlHealth,
        (health, _, _) => health.Status);

    public static Command Channels() => ShortcutCommand.Create<ChannelsReport>(
        "channels",
        "List the channels the host serves: name, socket and the message types each answers.",
        ControlChannelActor.Name,
        MessageTypes.ControlChannels,
        (report, _, _) => ChannelsTable.Render(report));

    public static Command Topics() => ShortcutCommand.Create<TopicsReport>(
        "topics",
        "List the broker's live subscriptions by pattern: group, connection, ack mode, pending, queued, delivered, redelivered and dropped.",
        ControlChannelActor.Name,
        MessageTypes.ControlTopics,
        (report, _, _) => TopicsTable.Render(report));

    public static Command Streams() => ShortcutCommand.Create<StreamsReport>(
        "streams",
        "List the declared durable streams: subjects, status, first and last seq, messages and bytes; and each durable consumer's filter, acked seq, pending and members.",
        ControlChannelActor.Name,
        MessageTypes.ControlStreams,
        (report, _, _) => StreamsTable.Render(report));

    public static Command Cluster() => ShortcutCommand.Create<ClusterReport>(
        "cluster",
        "Show the cluster as this host sees it: each member's address, status, reachability, roles, subscriptions and queue groups, with this node and the leader marked.",
        ControlChannelActor.Name,
        MessageTypes.ControlCluster,
        (report, _, _) => ClusterTable.Render(report));
}
