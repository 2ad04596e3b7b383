using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The payload of a request type with no fields (e.g. <c>control.status</c>): it must be one JSON
/// object, checked with System.Text.Json's reader, which validates numbers without converting them,
/// so an object holding 1e400 or a 400-digit integer is as good as <c>{}</c>.
/// </summary>
internal static class FieldlessPayload
{
    public static JObject Read(string payloadJson)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(payloadJson), new JsonReaderOptions { MaxDepth = IpcJson.DefaultMaxDepth });
        try
        {
            if (!reader.Read())
            {
                throw new InvalidPayloadException("expected a JSON object, got nothing");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidPayloadException($"expected a JSON object, got {Describe(reader.TokenType)}");
            }

            reader.Skip();
            if (reader.Read())
            {
                throw new InvalidPayloadException("more than one JSON value");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidPayloadException(ex.Message);
        }

        return [];
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Number => "a number",
        JsonTokenType.String => "a string",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString().ToLowerInvariant(),
    };
}
