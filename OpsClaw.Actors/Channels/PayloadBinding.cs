using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Turns <c>payload_json</c> into a handler's request type and a handler's reply into
/// <c>payload_json</c>, with the project's safe Newtonsoft settings (no type names, capped depth).
/// The payload must fit the type exactly (<see cref="PayloadShape"/>): no number read from a string
/// or the reverse, no fraction in a whole number, field names in their exact case, every required
/// field present. One that does not raises <see cref="InvalidPayloadException"/> naming the field,
/// which the channel answers as <c>invalid_payload</c>.
/// </summary>
internal static class PayloadBinding
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(IpcJson.Settings);

    public static T Read<T>(string payloadJson)
    {
        // A type without fields reads nothing from the payload, so only its shape matters: any JSON
        // object is accepted, whatever numbers it holds (Newtonsoft cannot hold 1e400 or 400 digits).
        var token = Plan<T>.HasFields ? ReadToken(payloadJson) : FieldlessPayload.Read(payloadJson);

        if (Plan<T>.ExpectsObject && token.Type != JTokenType.Object)
        {
            throw new InvalidPayloadException($"expected a JSON object, got {Describe(token.Type)}");
        }

        if (Plan<T>.Slot.Check(token) is { } fault)
        {
            throw new InvalidPayloadException(fault.Message);
        }

        T? value;
        try
        {
            value = token.ToObject<T>(Serializer);
        }
        catch (JsonException ex)
        {
            // What the shape leaves to Newtonsoft: the text of a date, a Guid or a Uri, and its own attributes.
            throw new InvalidPayloadException(PayloadProblem.Explain(typeof(T), ex, Serializer.ContractResolver));
        }
        catch (Exception ex) when (ex is OverflowException or FormatException or InvalidCastException or ArgumentException)
        {
            // Conversions Newtonsoft leaves to the runtime, e.g. 1e400 (infinity) for a decimal.
            throw new InvalidPayloadException("a value does not fit its field" + (ex is OverflowException ? " (number out of range)" : ""));
        }

        return value ?? throw new InvalidPayloadException("expected a value, got null");
    }

    /// <summary>
    /// The payload as a token, read with the project's settings rather than JToken.Parse's defaults: a
    /// string that looks like a date stays that string, and decimals keep their digits; a number too
    /// big for a decimal is read as a double (1e400 becomes infinity, which no integer or decimal field accepts).
    /// </summary>
    private static JToken ReadToken(string payloadJson)
    {
        try
        {
            return ReadToken(payloadJson, FloatParseHandling.Decimal);
        }
        catch (JsonReaderException)
        {
            try
            {
                return ReadToken(payloadJson, FloatParseHandling.Double);
            }
            catch (JsonException ex)
            {
                throw new InvalidPayloadException(Reason(ex));
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidPayloadException(Reason(ex));
        }
    }

    private static JToken ReadToken(string payloadJson, FloatParseHandling floats)
    {
        using var reader = new JsonTextReader(new StringReader(payloadJson))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = floats,
            MaxDepth = IpcJson.DefaultMaxDepth,
        };
        return JToken.ReadFrom(reader);
    }

    /// <summary>Whether the type reads anything from the payload: properties, extension data or a converter of its own.</summary>
    private static bool HasFields(Type type) =>
        Serializer.ContractResolver.ResolveContract(type) is not JsonObjectContract contract
        || contract.Properties.Count > 0
        || contract.ExtensionDataSetter is not null
        || contract.Converter is not null;

    /// <summary>What the binding needs to know of a request type, worked out on its first request and kept.</summary>
    private static class Plan<T>
    {
        public static readonly bool HasFields = PayloadBinding.HasFields(typeof(T));

        public static readonly bool ExpectsObject = Serializer.ContractResolver.ResolveContract(typeof(T)) is JsonObjectContract;

        public static readonly PayloadSlot Slot = PayloadShapes.For(typeof(T), Serializer.ContractResolver);
    }

    public static string Write<T>(T reply) =>
        reply is null ? "null" : IpcJson.SerializePayload(reply);

    /// <summary>Newtonsoft's message without its trailing "Path '…', line …, position …." locator.</summary>
    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        var locator = message.IndexOf(" Path '", StringComparison.Ordinal);
        return (locator > 0 ? message[..locator] : message).TrimEnd('.', ' ');
    }

    private static string Describe(JTokenType type) => type switch
    {
        JTokenType.Array => "an array",
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.String => "a string",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        _ => type.ToString().ToLowerInvariant(),
    };
}

/// <summary>A payload that does not fit its handler's request type; the message names the field.</summary>
internal sealed class InvalidPayloadException(string detail) : Exception(detail);
