namespace OpsClaw.Actors.Protocol;

/// <summary>
/// A response envelope. The schema version is not a property: every response carries the
/// server's <see cref="IpcSchema.Version"/>, whatever the request said.
/// </summary>
/// <param name="MessageType">The reply's <c>message_type</c>; <see cref="MessageTypes.Error"/> for every error.</param>
/// <param name="RunId">The request's <c>run_id</c>, echoed; null when it had none or could not be read.</param>
/// <param name="PayloadJson">The reply's <c>payload_json</c>; <see cref="EmptyPayload"/> for an error.</param>
/// <param name="Ok">True for a reply, false for an error.</param>
/// <param name="Error">The error's human text; null for a reply.</param>
/// <param name="ErrorCode">One of the <see cref="IpcErrors"/> codes; null for a reply.</param>
public sealed record IpcResponse(
    string MessageType,
    string? RunId,
    string PayloadJson,
    bool Ok,
    string? Error,
    string? ErrorCode)
{
    /// <summary>The empty JSON object <c>{}</c>: the payload of every error and of requests without parameters.</summary>
    public const string EmptyPayload = "{}";

    /// <summary>A successful reply.</summary>
    /// <param name="messageType">The reply's type, e.g. <c>echo.say.ok</c>.</param>
    /// <param name="runId">The request's <c>run_id</c>, to echo.</param>
    /// <param name="payloadJson">The reply's payload as JSON text.</param>
    /// <returns>A reply with <see cref="Ok"/> true.</returns>
    public static IpcResponse Success(string messageType, string? runId, string payloadJson) =>
        new(messageType, runId, payloadJson, true, null, null);

    /// <summary>An error reply, for a channel actor that answers <c>ChannelProtocol.Request</c> itself.</summary>
    /// <param name="errorCode">One of the <see cref="IpcErrors"/> codes.</param>
    /// <param name="error">The human text.</param>
    /// <param name="runId">The request's <c>run_id</c>, to echo.</param>
    /// <returns>A reply of type <see cref="MessageTypes.Error"/> with <see cref="Ok"/> false.</returns>
    public static IpcResponse Failure(string errorCode, string error, string? runId) =>
        new(MessageTypes.Error, runId, EmptyPayload, false, error, errorCode);
}
