namespace OpsClaw.Actors.Protocol;

/// <summary>
/// A request that passed every envelope check. <see cref="PayloadJson"/> is known to be valid JSON
/// and is kept exactly as the client wrote it, so handlers decide how to read it.
/// </summary>
public sealed record IpcRequest(string MessageType, string? RunId, string PayloadJson);
