namespace OpsClaw.Actors.Protocol;

/// <summary>
/// A response envelope. The schema version is not a property: every response carries the
/// server's <see cref="IpcSchema.Version"/>, whatever the request said.
/// </summary>
public sealed record IpcResponse(
    string MessageType,
    string? RunId,
    string PayloadJson,
    bool Ok,
    string? Error,
    string? ErrorCode)
{
    public const string EmptyPayload = "{}";

    public static IpcResponse Success(string messageType, string? runId, string payloadJson) =>
        new(messageType, runId, payloadJson, true, null, null);

    public static IpcResponse Failure(string errorCode, string error, string? runId) =>
        new(MessageTypes.Error, runId, EmptyPayload, false, error, errorCode);
}
