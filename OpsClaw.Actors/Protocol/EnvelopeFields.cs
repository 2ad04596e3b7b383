namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The envelope's field names (docs/protocol.md §2 and §3), the one place they are spelled: as text
/// for whatever writes or reads envelopes through Newtonsoft or builds the JSON Schema, and as UTF-8
/// for <see cref="RequestDecoder"/>, which compares names on the wire bytes without decoding them.
/// </summary>
/// <remarks>
/// A <c>u8</c> literal cannot be made from a constant, so each name is written twice, side by side;
/// <c>EnvelopeFieldsSpecs</c> checks that the two spellings of every name agree.
/// </remarks>
internal static class EnvelopeFields
{
    public const string SchemaVersion = "schema_version";
    public const string MessageType = "message_type";
    public const string RunId = "run_id";
    public const string PayloadJson = "payload_json";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string ErrorCode = "error_code";

    public static ReadOnlySpan<byte> SchemaVersionUtf8 => "schema_version"u8;

    public static ReadOnlySpan<byte> MessageTypeUtf8 => "message_type"u8;

    public static ReadOnlySpan<byte> RunIdUtf8 => "run_id"u8;

    public static ReadOnlySpan<byte> PayloadJsonUtf8 => "payload_json"u8;

    public static ReadOnlySpan<byte> OkUtf8 => "ok"u8;

    public static ReadOnlySpan<byte> ErrorUtf8 => "error"u8;

    public static ReadOnlySpan<byte> ErrorCodeUtf8 => "error_code"u8;

    /// <summary>A request's fields in the order the encoder writes them (docs/protocol.md §2).</summary>
    public static IReadOnlyList<string> Request { get; } = [SchemaVersion, MessageType, RunId, PayloadJson];

    /// <summary>A response's seven fields in their fixed wire order (docs/protocol.md §3).</summary>
    public static IReadOnlyList<string> Response { get; } = [SchemaVersion, MessageType, RunId, PayloadJson, Ok, Error, ErrorCode];
}
