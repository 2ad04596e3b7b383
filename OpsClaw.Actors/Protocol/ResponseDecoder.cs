using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Reads a response line on the client side. The server is trusted to be well-formed, so this is
/// a plain Newtonsoft load with the project's safe settings; a line that is not a response envelope
/// raises <see cref="FormatException"/>.
/// </summary>
internal static class ResponseDecoder
{
    private static readonly JsonLoadSettings LoadSettings = new()
    {
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        CommentHandling = CommentHandling.Ignore,
    };

    public static IpcResponse Decode(ReadOnlySpan<byte> line)
    {
        try
        {
            using var text = new StringReader(Encoding.UTF8.GetString(line));
            using var reader = new JsonTextReader(text)
            {
                MaxDepth = IpcJson.DefaultMaxDepth,
                DateParseHandling = DateParseHandling.None,
            };
            var envelope = JObject.Load(reader, LoadSettings);
            return new IpcResponse(
                RequiredString(envelope, EnvelopeFields.MessageType),
                OptionalString(envelope, EnvelopeFields.RunId),
                RequiredString(envelope, EnvelopeFields.PayloadJson),
                envelope.Value<bool?>(EnvelopeFields.Ok) ?? throw new FormatException($"response has no boolean '{EnvelopeFields.Ok}'"),
                OptionalString(envelope, EnvelopeFields.Error),
                OptionalString(envelope, EnvelopeFields.ErrorCode));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"response is not a JSON envelope: {ex.Message}", ex);
        }
    }

    private static string RequiredString(JObject envelope, string name) =>
        OptionalString(envelope, name) ?? throw new FormatException($"response has no string '{name}'");

    private static string? OptionalString(JObject envelope, string name) =>
        envelope[name] is { Type: JTokenType.String } token ? token.Value<string>() : null;
}
