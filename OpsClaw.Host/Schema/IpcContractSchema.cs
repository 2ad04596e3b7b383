using Namotion.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using NJsonSchema;
using NJsonSchema.Generation;
using NJsonSchema.NewtonsoftJson.Generation;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host.Schema;

/// <summary>
/// Builds the JSON Schema of the wire contract from the C# types: the request and response
/// envelopes (<see cref="IpcRequest"/>, <see cref="IpcResponse"/>), the error codes
/// (<see cref="IpcErrors.AllCodes"/>), every message type in <see cref="PayloadCatalog.BuiltIn"/>
/// with its payload types, and every pushed message type in <see cref="PayloadCatalog.Pushed"/> with its payload type. The SDK's TypeScript types are generated from this schema, so a change
/// to any of those C# types shows up as a diff in the committed schema and types.
/// </summary>
public static class IpcContractSchema
{
    public const string RequestName = "IpcRequest";
    public const string ResponseName = "IpcResponse";
    public const string ErrorCodeName = "IpcErrorCode";
    public const string CatalogName = "MessageCatalog";
    public const string PushCatalogName = "PushCatalog";

    public static JsonSchema Build()
    {
        var settings = new NewtonsoftJsonSchemaGeneratorSettings
        {
            SchemaType = SchemaType.JsonSchema,
            SerializerSettings = SerializerSettings(),
            // The envelope records carry no [JsonProperty]; nullability comes from their annotations.
            DefaultReferenceTypeNullHandling = ReferenceTypeNullHandling.NotNull,
            GenerateAbstractProperties = false,
            UseXmlDocumentation = false,
        };
        var root = new JsonSchema
        {
            Title = "OpsClawIpcContract",
            Description = $"The {IpcSchema.Version} wire contract of the OpsClaw host, generated from its C# types by 'opsclaw schema'.",
            Type = JsonObjectType.Object,
            AllowAdditionalProperties = false,
        };
        var resolver = new JsonSchemaResolver(root, settings);
        var generator = new JsonSchemaGenerator(settings);

        var request = Definition(generator, resolver, typeof(IpcRequest));
        var response = Definition(generator, resolver, typeof(IpcResponse));
        var errorCode = ErrorCodes();
        EnvelopeShapes.ShapeRequest(request);
        EnvelopeShapes.ShapeResponse(response, errorCode);
        var catalog = MessageCatalogSchema.Build(PayloadCatalog.BuiltIn, type => Definition(generator, resolver, type));
        var pushes = PushCatalogSchema.Build(PayloadCatalog.Pushed, type => Definition(generator, resolver, type));

        root.Definitions[ErrorCodeName] = errorCode;
        root.Definitions[CatalogName] = catalog;
        root.Definitions[PushCatalogName] = pushes;
        root.Properties["request"] = new JsonSchemaProperty { Reference = request };
        root.Properties["response"] = new JsonSchemaProperty { Reference = response };
        root.Properties[EnvelopeFields.ErrorCode] = new JsonSchemaProperty { Reference = errorCode };
        root.Properties["messages"] = new JsonSchemaProperty { Reference = catalog };
        root.Properties["pushes"] = new JsonSchemaProperty { Reference = pushes };
        SortDefinitions(root);
        return root;
    }

    /// <summary>The schema as committed: indented, LF line ends, one final newline.</summary>
    public static string ToJson() => Build().ToJson(Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    // The same settings the host serializes payloads with, plus snake_case for the envelope records,
    // whose C# names (MessageType) differ from the wire names (message_type). Explicit [JsonProperty]
    // names on payload records win over the naming strategy.
    private static JsonSerializerSettings SerializerSettings()
    {
        var serializer = IpcJson.Create(IpcJson.DefaultMaxDepth);
        serializer.ContractResolver = new DefaultContractResolver { NamingStrategy = new SnakeCaseNamingStrategy() };
        return serializer;
    }

    private static JsonSchema Definition(JsonSchemaGenerator generator, JsonSchemaResolver resolver, Type type)
    {
        if (!resolver.HasSchema(type, isIntegerEnumeration: false))
        {
            _ = generator.GenerateWithReference<JsonSchema>(type.ToContextualType(), resolver);
        }

        return resolver.GetSchema(type, isIntegerEnumeration: false);
    }

    private static JsonSchema ErrorCodes()
    {
        var schema = new JsonSchema
        {
            Type = JsonObjectType.String,
            Description = "The stable error_code of an error response (docs/protocol.md §4).",
        };
        foreach (var code in IpcErrors.AllCodes)
        {
            schema.Enumeration.Add(code);
        }

        return schema;
    }

    // NJsonSchema keeps definitions in the order it met the types; sorting by name keeps the file
    // stable when a catalog entry is added in the middle.
    private static void SortDefinitions(JsonSchema root)
    {
        var sorted = root.Definitions.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        root.Definitions.Clear();
        foreach (var (name, schema) in sorted)
        {
            root.Definitions[name] = schema;
        }
    }
}
