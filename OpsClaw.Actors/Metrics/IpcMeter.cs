using System.Diagnostics.Metrics;
using System.Reflection;

namespace OpsClaw.Actors.Metrics;

/// <summary>
/// The <c>OpsClaw.Ipc</c> meter. Every instrument is tagged with <c>channel</c> (errors also with
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

    /// <summary>The OpsClaw version, without build metadata.</summary>
    public static string Version { get; } = ReadVersion();

    private static string ReadVersion()
    {
        var informational = typeof(IpcMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? typeof(IpcMeter).Assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
