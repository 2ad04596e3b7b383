namespace OpsClaw.Actors.Protocol;

/// <summary>
/// A request that passed every envelope check. <see cref="PayloadJson"/> is known to be valid JSON
/// and is kept exactly as the client wrote it, so handlers decide how to read it.
/// </summary>
/// <param name="MessageType">The <c>message_type</c>, e.g. <c>runtime.ping</c>; it picks the handler.</param>
/// <param name="RunId">The <c>run_id</c>, echoed on the reply; null when the client sent none.</param>
/// <param name="PayloadJson">The <c>payload_json</c>: one JSON value as text, <c>{}</c> for a request without parameters.</param>
public sealed record IpcRequest(string MessageType, string? RunId, string PayloadJson);
