namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The stable error codes of docs/protocol.md §4 and the exact texts that go with them. Clients
/// match on the code; the texts are fixed too so scripts and tests can rely on them.
/// </summary>
public static class IpcErrors
{
    public const string FrameTooLargeCode = "frame_too_large";
    public const string MalformedJsonCode = "malformed_json";
    public const string InvalidEnvelopeCode = "invalid_envelope";
    public const string InvalidSchemaVersionCode = "invalid_schema_version";
    public const string UnsupportedMessageTypeCode = "unsupported_message_type";
    public const string InvalidPayloadCode = "invalid_payload";
    public const string HandlerFailedCode = "handler_failed";
    public const string TimeoutCode = "timeout";
    public const string ForbiddenCode = "forbidden";
    public const string OverloadedCode = "overloaded";
    public const string ShuttingDownCode = "shutting_down";

    /// <summary>
    /// Every code: those of the per-line checks in the order they run (docs/protocol.md §4), except
    /// shutting_down, which runs right after invalid_schema_version but is listed last, after the two
    /// that refuse connections. The JSON Schema and the SDK's IpcErrorCode list the codes in this order.
    /// </summary>
    public static IReadOnlyList<string> AllCodes { get; } =
    [
        FrameTooLargeCode, MalformedJsonCode, InvalidEnvelopeCode, InvalidSchemaVersionCode,
        UnsupportedMessageTypeCode, InvalidPayloadCode, HandlerFailedCode, TimeoutCode,
        ForbiddenCode, OverloadedCode, ShuttingDownCode,
    ];

    public static IpcResponse FrameTooLarge(int maxLineBytes) =>
        IpcResponse.Failure(FrameTooLargeCode, $"ipc line exceeds {maxLineBytes} bytes", null);

    public static IpcResponse MalformedJson(string detail) =>
        IpcResponse.Failure(MalformedJsonCode, $"invalid ipc json line: {detail}", null);

    public static IpcResponse InvalidEnvelope(string detail, string? runId) =>
        IpcResponse.Failure(InvalidEnvelopeCode, $"invalid ipc envelope: {detail}", runId);

    public static IpcResponse InvalidSchemaVersion(string got, string? runId) =>
        IpcResponse.Failure(
            InvalidSchemaVersionCode,
            $"invalid schema_version '{got}', expected '{IpcSchema.Version}'",
            runId);

    public static IpcResponse UnsupportedMessageType(string channel, string messageType, string? runId) =>
        IpcResponse.Failure(
            UnsupportedMessageTypeCode,
            $"unsupported {channel} message_type '{messageType}'",
            runId);

    public static IpcResponse InvalidPayload(string messageType, string detail, string? runId) =>
        IpcResponse.Failure(InvalidPayloadCode, $"invalid payload for '{messageType}': {detail}", runId);

    public static IpcResponse HandlerFailed(string messageType, string? runId) =>
        IpcResponse.Failure(HandlerFailedCode, $"handler for '{messageType}' failed", runId);

    public static IpcResponse Timeout(TimeSpan timeout, string? runId) =>
        IpcResponse.Failure(TimeoutCode, $"request timed out after {(long)timeout.TotalMilliseconds} ms", runId);

    public static IpcResponse Forbidden(uint uid, string channel) =>
        IpcResponse.Failure(ForbiddenCode, $"peer uid {uid} is not allowed on {channel}", null);

    public static IpcResponse Overloaded(string channel, int maxConnections) =>
        IpcResponse.Failure(
            OverloadedCode,
            $"{channel} socket is at its connection limit ({maxConnections})",
            null);

    public static IpcResponse ShuttingDown(string? runId) =>
        IpcResponse.Failure(ShuttingDownCode, "server is shutting down", runId);
}
