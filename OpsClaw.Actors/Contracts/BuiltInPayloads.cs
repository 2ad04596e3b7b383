using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary><c>{"status": …}</c>: the reply of <c>runtime.ping</c> (<c>"ok"</c>) and <c>control.health</c> (<c>"healthy"</c>).</summary>
public sealed record StatusPayload([property: JsonProperty("status", Required = Required.Always)] string Status);

/// <summary><c>{"accepted": true}</c>: the reply of <c>runtime.forward</c>.</summary>
public sealed record AcceptedPayload([property: JsonProperty("accepted", Required = Required.Always)] bool Accepted);

/// <summary><c>{"stop": "requested"}</c>: the reply of <c>control.stop</c>.</summary>
public sealed record StopPayload([property: JsonProperty("stop", Required = Required.Always)] string Stop);

/// <summary>The empty object <c>{}</c>: what requests without parameters carry.</summary>
public sealed record EmptyPayload;
