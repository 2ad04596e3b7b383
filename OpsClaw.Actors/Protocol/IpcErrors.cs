namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The stable error codes of docs/protocol.md §4, as they appear in
/// <see cref="IpcResponse.ErrorCode"/>. Clients match on the code; the host also builds the exact
/// text of each (<see cref="IpcResponse.Error"/>), which is fixed so scripts and tests can rely on it.
/// </summary>
public static class IpcErrors
{
    /// <summary>A request line longer than <c>max-line-bytes</c>; the line is dropped and the connection stays open.</summary>
    public const string FrameTooLargeCode = "frame_too_large";

    /// <summary>A request line that is not strict JSON, not one object, or nested deeper than <c>max-json-depth</c>.</summary>
    public const string MalformedJsonCode = "malformed_json";

    /// <summary>A JSON object that is not a valid request envelope (a required field missing or of the wrong type, a field given twice, a bad <c>payload_json</c>).</summary>
    public const string InvalidEnvelopeCode = "invalid_envelope";

    /// <summary>A request whose <c>schema_version</c> is not <see cref="IpcSchema.Version"/>.</summary>
    public const string InvalidSchemaVersionCode = "invalid_schema_version";

    /// <summary>A <c>message_type</c> the channel does not handle.</summary>
    public const string UnsupportedMessageTypeCode = "unsupported_message_type";

    /// <summary>A <c>payload_json</c> that does not fit the handler's request type; the text names the field.</summary>
    public const string InvalidPayloadCode = "invalid_payload";

    /// <summary>The handler threw or its task faulted; the exception is logged on the host, never sent.</summary>
    public const string HandlerFailedCode = "handler_failed";

    /// <summary>The handler did not answer within <c>request-timeout</c>.</summary>
    public const string TimeoutCode = "timeout";

    /// <summary>The peer's uid may not use this socket; sent once, then the connection is closed.</summary>
    public const string ForbiddenCode = "forbidden";

    /// <summary>The socket is at its connection limit; sent once, then the connection is closed.</summary>
    public const string OverloadedCode = "overloaded";

    /// <summary>The request arrived after shutdown began; requests received before it are still answered.</summary>
    public const string ShuttingDownCode = "shutting_down";

    /// <summary>A <c>subscription</c> that is not a live subscription of this connection (docs/protocol.md §4).</summary>
    public const string UnknownSubscriptionCode = "unknown_subscription";

    /// <summary>A <c>delivery</c> that is not an unacknowledged delivery of the subscription.</summary>
    public const string UnknownDeliveryCode = "unknown_delivery";

    /// <summary>A connection past <c>broker.max-subscriptions-per-connection</c>.</summary>
    public const string LimitExceededCode = "limit_exceeded";

    /// <summary>
    /// Every code: those of the per-line checks in the order they run (docs/protocol.md §4), except
    /// shutting_down, which runs right after invalid_schema_version but is listed last, after the two
    /// that refuse connections, then the broker's three (§4). The JSON Schema and the SDK's IpcErrorCode list the codes in this order.
    /// </summary>
    public static IReadOnlyList<string> AllCodes { get; } =
    [
        FrameTooLargeCode, MalformedJsonCode, InvalidEnvelopeCode, InvalidSchemaVersionCode,
        UnsupportedMessageTypeCode, InvalidPayloadCode, HandlerFailedCode, TimeoutCode,
        ForbiddenCode, OverloadedCode, ShuttingDownCode,
        UnknownSubscriptionCode, UnknownDeliveryCode, LimitExceededCode,
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
            $"invalid {EnvelopeFields.SchemaVersion} '{got}', expected '{IpcSchema.Version}'",
            runId);

    internal static IpcResponse UnsupportedMessageType(string channel, string messageType, string? runId) =>
        IpcResponse.Failure(
            UnsupportedMessageTypeCode,
            $"unsupported {channel} {EnvelopeFields.MessageType} '{messageType}'",
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

    internal static IpcResponse UnknownSubscription(string subscription, string? runId) =>
        IpcResponse.Failure(UnknownSubscriptionCode, $"unknown subscription '{subscription}'", runId);

    internal static IpcResponse UnknownDelivery(long delivery, string subscription, string? runId) =>
        IpcResponse.Failure(UnknownDeliveryCode, $"unknown delivery {delivery.ToString(System.Globalization.CultureInfo.InvariantCulture)} of '{subscription}'", runId);

    internal static IpcResponse SubscriptionLimit(int limit, string? runId) =>
        IpcResponse.Failure(LimitExceededCode, $"subscription limit ({limit}) reached", runId);

    internal static IpcResponse QueueFull(string what, int maxQueued, string? runId) =>
        IpcResponse.Failure(OverloadedCode, $"{what} has {maxQueued} messages queued (broker.max-queued); the publish was not stored", runId);
}
