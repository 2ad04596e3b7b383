using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary>The reply of <c>control.status</c>: the host and live figures per channel.</summary>
/// <param name="Version">The OpsClaw version of the host.</param>
/// <param name="Pid">The host's process id.</param>
/// <param name="UptimeMs">Milliseconds since the IPC subsystem started.</param>
/// <param name="Channels">One entry per channel, in the order they were defined.</param>
/// <param name="Broker">The broker's totals (docs/protocol.md §9.6).</param>
public sealed record StatusReport(
    [property: JsonProperty("version", Required = Required.Always)] string Version,
    [property: JsonProperty("pid", Required = Required.Always)] int Pid,
    [property: JsonProperty("uptime_ms", Required = Required.Always)] long UptimeMs,
    [property: JsonProperty("channels", Required = Required.Always)] IReadOnlyList<ChannelStatus> Channels,
    [property: JsonProperty("broker", Required = Required.Always)] BrokerTotals Broker);

/// <summary>
/// Figures of one channel since the host started. <c>errors</c> counts error replies by
/// <c>error_code</c>; latencies are of requests answered by the channel's handlers, in milliseconds.
/// </summary>
/// <param name="Name">The channel's name.</param>
/// <param name="ConnectionsCurrent">Connections open now.</param>
/// <param name="ConnectionsTotal">Connections admitted since start.</param>
/// <param name="Requests">Request lines answered, errors included.</param>
/// <param name="Errors">Error replies by <c>error_code</c>.</param>
/// <param name="LatencyP50Ms">Median handler latency, in milliseconds.</param>
/// <param name="LatencyP99Ms">99th-percentile handler latency, in milliseconds.</param>
public sealed record ChannelStatus(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("connections_current", Required = Required.Always)] long ConnectionsCurrent,
    [property: JsonProperty("connections_total", Required = Required.Always)] long ConnectionsTotal,
    [property: JsonProperty("requests", Required = Required.Always)] long Requests,
    [property: JsonProperty("errors", Required = Required.Always)] IReadOnlyDictionary<string, long> Errors,
    [property: JsonProperty("latency_p50_ms", Required = Required.Always)] double LatencyP50Ms,
    [property: JsonProperty("latency_p99_ms", Required = Required.Always)] double LatencyP99Ms);
