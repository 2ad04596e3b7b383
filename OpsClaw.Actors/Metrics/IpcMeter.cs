using System.Diagnostics.Metrics;
using System.Reflection;

namespace OpsClaw.Actors.Metrics;

/// <summary>
/// The <c>OpsClaw.Ipc</c> meter. Every connection and request instrument is tagged with <c>channel</c> (errors also with
/// <c>error_code</c>), so <c>dotnet-counters monitor --counters OpsClaw.Ipc</c> or an OpenTelemetry
/// <c>AddMeter("OpsClaw.Ipc")</c> reads them with no extra code. An instrument nobody listens to
/// costs one check per call.
/// </summary>
public static class IpcMeter
{
    /// <summary>The meter's name, <c>OpsClaw.Ipc</c>, for <c>AddMeter</c> or a <c>MeterListener</c>.</summary>
    public const string Name = "OpsClaw.Ipc";

    private static readonly Meter Meter = new(Name, Version);

    internal static readonly UpDownCounter<long> ActiveConnections =
        Meter.CreateUpDownCounter<long>("opsclaw.ipc.connections.active", "{connection}", "Connections open now.");

    internal static readonly Counter<long> OpenedConnections =
        Meter.CreateCounter<long>("opsclaw.ipc.connections.opened", "{connection}", "Connections admitted since start.");

    internal static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("opsclaw.ipc.requests", "{request}", "Request lines answered, errors included.");

    internal static readonly Counter<long> Errors =
        Meter.CreateCounter<long>("opsclaw.ipc.errors", "{error}", "Error replies, by error_code.");

    internal static readonly Histogram<double> RequestDuration =
        Meter.CreateHistogram<double>("opsclaw.ipc.request.duration", "ms", "Time from handing a request to its channel to its reply.");

    internal static readonly Counter<long> BytesReceived =
        Meter.CreateCounter<long>("opsclaw.ipc.bytes.received", "By", "Bytes read from clients.");

    internal static readonly Counter<long> BytesSent =
        Meter.CreateCounter<long>("opsclaw.ipc.bytes.sent", "By", "Bytes written to clients.");

    internal static readonly Counter<long> Published =
        Meter.CreateCounter<long>("opsclaw.broker.published", "{message}", "Publishes accepted by the broker, runtime.forward included.");

    internal static readonly Counter<long> Delivered =
        Meter.CreateCounter<long>("opsclaw.broker.delivered", "{delivery}", "Deliveries handed to subscribers, redeliveries included.");

    internal static readonly Counter<long> Redelivered =
        Meter.CreateCounter<long>("opsclaw.broker.redelivered", "{delivery}", "Deliveries of a message delivered before.");

    internal static readonly Counter<long> Dropped =
        Meter.CreateCounter<long>("opsclaw.broker.dropped", "{delivery}", "Deliveries dropped for slow ack-none subscribers.");

    internal static readonly UpDownCounter<long> Subscriptions =
        Meter.CreateUpDownCounter<long>("opsclaw.broker.subscriptions", "{subscription}", "Live subscriptions.");

    internal static readonly UpDownCounter<long> ClusterMembers =
        Meter.CreateUpDownCounter<long>("opsclaw.cluster.members", "{node}", "Cluster members up, as this node sees them (this one included).");

    internal static readonly Counter<long> ClusterSent =
        Meter.CreateCounter<long>("opsclaw.cluster.sent", "{message}", "Messages published here and sent to other nodes, one per node.");

    internal static readonly Counter<long> ClusterReceived =
        Meter.CreateCounter<long>("opsclaw.cluster.received", "{message}", "Messages published on other nodes and received here.");

    internal static readonly Counter<long> ClusterRerouted =
        Meter.CreateCounter<long>("opsclaw.cluster.rerouted", "{message}", "Explicit-ack group messages routed again because the node holding them went away or gave them back.");

    internal static readonly UpDownCounter<long> ClusterLedger =
        Meter.CreateUpDownCounter<long>("opsclaw.cluster.ledger", "{message}", "Messages published here that other nodes hold unacknowledged.");

    /// <summary>The OpsClaw version, without build metadata.</summary>
    public static string Version { get; } = ReadVersion();

    private static string ReadVersion()
    {
        var informational = typeof(IpcMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? typeof(IpcMeter).Assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
