using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary><c>{"status": …}</c>: the reply of <c>runtime.ping</c> (<c>"ok"</c>) and <c>control.health</c> (<c>"healthy"</c>).</summary>
/// <param name="Status"><c>ok</c> or <c>healthy</c>.</param>
public sealed record StatusPayload([property: JsonProperty("status", Required = Required.Always)] string Status);

/// <summary><c>{"accepted": true}</c>: the reply of <c>runtime.forward</c>.</summary>
/// <param name="Accepted">Always true.</param>
public sealed record AcceptedPayload([property: JsonProperty("accepted", Required = Required.Always)] bool Accepted);

/// <summary><c>{"stop": "requested"}</c>: the reply of <c>control.stop</c>.</summary>
/// <param name="Stop">Always <c>requested</c>: the stop begins once the reply is on its way.</param>
public sealed record StopPayload([property: JsonProperty("stop", Required = Required.Always)] string Stop);

/// <summary>The empty object <c>{}</c>: what requests without parameters carry.</summary>
public sealed record EmptyPayload;
