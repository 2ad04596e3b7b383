using NJsonSchema;

namespace OpsClaw.Host.Schema;

/// <summary>
/// One object whose properties are the message types the host pushes unasked (never replies, so they
/// have no request), each with its payload type, so a typed client can map a pushed line's
/// <c>message_type</c> to the shape of its <c>payload_json</c>.
/// </summary>
internal static class PushCatalogSchema
{
    public static JsonSchema Build(IReadOnlyDictionary<string, Type> pushed, Func<Type, JsonSchema> definitionOf)
    {
        var catalog = new JsonSchema
        {
            Type = JsonObjectType.Object,
            Description = "Every message_type the host pushes without a request (the broker's deliveries, docs/protocol.md §9.3), with its payload type. A pushed line is never a reply: a client tells it apart by message_type.",
            AllowAdditionalProperties = false,
        };
        // Sorted, because a dictionary's order is not part of its contract and the committed file must not churn.
        foreach (var (messageType, payload) in pushed.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var entry = new JsonSchemaProperty { Type = JsonObjectType.Object, AllowAdditionalProperties = false, IsRequired = true };
            entry.Properties["payload"] = new JsonSchemaProperty { IsRequired = true, Reference = definitionOf(payload) };
            catalog.Properties[messageType] = entry;
        }

        return catalog;
    }
}
