using NJsonSchema;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host.Schema;

/// <summary>
/// One object whose properties are the request message types of a catalog, each saying its channel,
/// its reply type and its payload types, so a typed client can map a request type to its payloads.
/// </summary>
internal static class MessageCatalogSchema
{
    public static JsonSchema Build(IEnumerable<MessageContract> contracts, Func<Type, JsonSchema> definitionOf)
    {
        var catalog = new JsonSchema
        {
            Type = JsonObjectType.Object,
            Description = "Every built-in request message_type with its channel, reply message_type and payload types (payload_json holds the payload encoded as a string).",
            AllowAdditionalProperties = false,
        };
        foreach (var contract in contracts)
        {
            var entry = new JsonSchemaProperty { Type = JsonObjectType.Object, AllowAdditionalProperties = false, IsRequired = true };
            entry.Properties["channel"] = Constant(contract.Channel);
            entry.Properties["reply_type"] = Constant(contract.ReplyType);
            // An empty schema is "any JSON value"; a description on it would make json-schema-to-typescript read it as an object.
            entry.Properties["request_payload"] = contract.RequestPayload is null
                ? new JsonSchemaProperty { IsRequired = true }
                : new JsonSchemaProperty { IsRequired = true, Reference = definitionOf(contract.RequestPayload) };
            if (contract.RequestPayload is null)
            {
                entry.Description = "Takes any JSON value as its request payload.";
            }

            entry.Properties["reply_payload"] = new JsonSchemaProperty { IsRequired = true, Reference = definitionOf(contract.ReplyPayload) };
            catalog.Properties[contract.RequestType] = entry;
        }

        return catalog;
    }

    private static JsonSchemaProperty Constant(string value)
    {
        var property = new JsonSchemaProperty { Type = JsonObjectType.String, IsRequired = true };
        property.Enumeration.Add(value);
        return property;
    }
}
