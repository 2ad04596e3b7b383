namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The stable error codes of docs/api-reference.md, "Error codes" and the exact texts that go with them. Clients
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

    /// <summary>Every code, in the order the checks run.</summary>
    public static IReadOnlyList<string> AllCodes { get; } =
    [
        FrameTooLargeCode, MalformedJsonCode, InvalidEnvelopeCode, InvalidSchemaVersionCode,
        UnsupportedMessageTypeCode, InvalidPayloadCode, HandlerFailedCode, TimeoutCode,
        ForbiddenCode, OverloadedCode, ShuttingDownCode,
    ];

    internal static IpcResponse FrameTooLarge(int maxLineBytes) =>
        IpcResponse.Failure(FrameTooLargeCode, $"ipc line exceeds {maxLineBytes} bytes", null);

    internal static IpcResponse MalformedJson(string detail) =>
        IpcResponse.Failure(MalformedJsonCode, $"invalid ipc json line: {detail}", null);

    internal static IpcResponse InvalidEnvelope(string detail, string? runId) =>
        IpcResponse.Failure(InvalidEnvelopeCode, $"invalid ipc envelope: {detail}", runId);

    internal static IpcResponse InvalidSchemaVersion(string got, string? runId) =>
        IpcResponse.Failure(
            InvalidSchemaVersionCode,
            $"invalid schema_version '{got}', expected '{IpcSchema.Version}'",
            runId);

    internal static IpcResponse UnsupportedMessageType(string channel, string messageType, string? runId) =>
        IpcResponse.Failure(
            UnsupportedMessageTypeCode,
            $"unsupported {channel} message_type '{messageType}'",
            runId);

    internal static IpcResponse InvalidPayload(string messageType, string detail, string? runId) =>
        IpcResponse.Failure(InvalidPayloadCode, $"invalid payload for '{messageType}': {detail}", runId);

    internal static IpcResponse HandlerFailed(string messageType, string? runId) =>
        IpcResponse.Failure(HandlerFailedCode, $"handler for '{messageType}' failed", runId);

    internal static IpcResponse Timeout(TimeSpan timeout, string? runId) =>
        IpcResponse.Failure(TimeoutCode, $"request timed out after {(long)timeout.TotalMilliseconds} ms", runId);

    internal static IpcResponse Forbidden(uint uid, string channel) =>
        IpcResponse.Failure(ForbiddenCode, $"peer uid {uid} is not allowed on {channel}", null);

    internal static IpcResponse Overloaded(string channel, int maxConnections) =>
        IpcResponse.Failure(
            OverloadedCode,
            $"{channel} socket is at its connection limit ({maxConnections})",
            null);

    internal static IpcResponse ShuttingDown(string? runId) =>
        IpcResponse.Failure(ShuttingDownCode, "server is shutting down", runId);
}
