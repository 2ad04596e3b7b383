using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary>The reply of <c>control.status</c>: the host and live figures per channel.</summary>
public sealed record StatusReport(
    [property: JsonProperty("version", Required = Required.Always)] string Version,
    [property: JsonProperty("pid", Required = Required.Always)] int Pid,
    [property: JsonProperty("uptime_ms", Required = Required.Always)] long UptimeMs,
    [property: JsonProperty("channels", Required = Required.Always)] IReadOnlyList<ChannelStatus> Channels);

/// <summary>
/// Figures of one channel since the host started. <c>errors</c> counts error replies by
/// <c>error_code</c>; latencies are of requests answered by the channel's handlers, in milliseconds.
/// </summary>
public sealed record ChannelStatus(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("connections_current", Required = Required.Always)] long ConnectionsCurrent,
    [property: JsonProperty("connections_total", Required = Required.Always)] long ConnectionsTotal,
    [property: JsonProperty("requests", Required = Required.Always)] long Requests,
    [property: JsonProperty("errors", Required = Required.Always)] IReadOnlyDictionary<string, long> Errors,
    [property: JsonProperty("latency_p50_ms", Required = Required.Always)] double LatencyP50Ms,
    [property: JsonProperty("latency_p99_ms", Required = Required.Always)] double LatencyP99Ms);
