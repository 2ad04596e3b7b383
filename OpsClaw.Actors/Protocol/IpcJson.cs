using Newtonsoft.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The one set of Newtonsoft.Json settings the project uses for payloads and envelopes written
/// by this process. Type names are never read or written, so a payload can never choose the
/// .NET type it becomes; depth is capped; strings that look like dates stay strings.
/// </summary>
internal static class IpcJson
{
    public const int DefaultMaxDepth = 64;

    public static JsonSerializerSettings Settings { get; } = Create(DefaultMaxDepth);

    public static JsonSerializerSettings Create(int maxDepth) => new()
    {
        TypeNameHandling = TypeNameHandling.None,
        MetadataPropertyHandling = MetadataPropertyHandling.Ignore,
        MaxDepth = maxDepth,
        DateParseHandling = DateParseHandling.None,
        FloatParseHandling = FloatParseHandling.Decimal,
        Formatting = Formatting.None,
        NullValueHandling = NullValueHandling.Include,
        MissingMemberHandling = MissingMemberHandling.Ignore,
    };

    /// <summary>Serializes a payload object to the compact JSON text that goes into <c>payload_json</c>.</summary>
    public static string SerializePayload(object payload) => JsonConvert.SerializeObject(payload, Settings);
}
