using System.Collections.Concurrent;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Turns <c>payload_json</c> into a handler's request type and a handler's reply into
/// <c>payload_json</c>, with the project's safe Newtonsoft settings (no type names, capped depth).
/// A payload that does not fit the type raises <see cref="InvalidPayloadException"/> naming the
/// field, which the channel answers as <c>invalid_payload</c>.
/// </summary>
internal static class PayloadBinding
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(IpcJson.Settings);
    private static readonly ConcurrentDictionary<Type, RequiredField[]> RequiredFields = new();

    public static T Read<T>(string payloadJson)
    {
        // A type without fields reads nothing from the payload, so only its shape matters: any JSON
        // object is accepted, whatever numbers it holds (Newtonsoft cannot hold 1e400 or 400 digits).
        var token = HasFields(typeof(T)) ? ReadToken(payloadJson) : FieldlessPayload.Read(payloadJson);

        if (Serializer.ContractResolver.ResolveContract(typeof(T)) is JsonObjectContract && token.Type != JTokenType.Object)
        {
            throw new InvalidPayloadException($"expected a JSON object, got {Describe(token.Type)}");
        }

        T? value;
        try
        {
            value = token.ToObject<T>(Serializer);
        }
        catch (JsonException ex)
        {
            throw new InvalidPayloadException(PayloadProblem.Explain(typeof(T), ex, Serializer.ContractResolver));
        }
        catch (Exception ex) when (ex is OverflowException or FormatException or InvalidCastException or ArgumentException)
        {
            // Conversions Newtonsoft leaves to the runtime, e.g. a 30-digit number for an int.
            throw new InvalidPayloadException("a value does not fit its field" + (ex is OverflowException ? " (number out of range)" : ""));
        }

        if (value is null)
        {
            throw new InvalidPayloadException("expected a value, got null");
        }

        // Newtonsoft ignores nullable annotations; a non-nullable property left null is a missing field.
        foreach (var field in RequiredFields.GetOrAdd(typeof(T), FindRequiredFields))
        {
            if (field.Property.GetValue(value) is null)
            {
                throw new InvalidPayloadException($"field '{field.JsonName}' is required");
            }
        }

        return value;
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

    public static string Write<T>(T reply) =>
        reply is null ? "null" : IpcJson.SerializePayload(reply);

    private static RequiredField[] FindRequiredFields(Type type)
    {
        if (Serializer.ContractResolver.ResolveContract(type) is not JsonObjectContract contract)
        {
            return [];
        }

        // NullabilityInfoContext is not thread-safe; one per type examined (the result is cached).
        var nullability = new NullabilityInfoContext();
        return
        [
            .. contract.Properties
                .Where(property => !property.Ignored && property.Readable && property.PropertyName is not null && property.DeclaringType is not null)
                .Select(property => (property, info: property.DeclaringType!.GetProperty(
                    property.UnderlyingName!, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)))
                .Where(pair => pair.info is { PropertyType.IsValueType: false }
                    && nullability.Create(pair.info).ReadState == NullabilityState.NotNull)
                .Select(pair => new RequiredField(pair.property.PropertyName!, pair.info!)),
        ];
    }

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

    private sealed record RequiredField(string JsonName, PropertyInfo Property);
}

/// <summary>A payload that does not fit its handler's request type; the message names the field.</summary>
internal sealed class InvalidPayloadException(string detail) : Exception(detail);
