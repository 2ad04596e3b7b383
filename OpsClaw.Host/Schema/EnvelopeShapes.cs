using NJsonSchema;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host.Schema;

/// <summary>
/// What the envelope records cannot say by themselves: the <c>schema_version</c> field (a constant,
/// so not a property of the records), which fields are required on the wire (docs/protocol.md §2 and §3), and
/// that <c>error_code</c> is one of the stable codes. The records' wire names come from their C# names
/// (snake_case); they are checked against <see cref="EnvelopeFields"/>, the names the codec reads and
/// writes, so a renamed record property fails the schema build instead of documenting a field the host never sends.
/// </summary>
internal static class EnvelopeShapes
{
    /// <summary>A request needs every non-nullable field; <c>run_id</c> may be left out.</summary>
    public static void ShapeRequest(JsonSchema request)
    {
        request.Description = "A request line: one JSON object on one line (docs/protocol.md §2). Unknown fields are ignored by the server.";
        PrependSchemaVersion(request);
        RequireCodecNames(request, nameof(IpcRequest), EnvelopeFields.Request);
        foreach (var (name, property) in request.Properties)
        {
            property.IsRequired = !property.IsNullable(SchemaType.JsonSchema);
        }
    }

    /// <summary>A response always carries all seven fields, null where empty (docs/protocol.md §3).</summary>
    public static void ShapeResponse(JsonSchema response, JsonSchema errorCode)
    {
        response.Description = "A response line: all seven fields, in this order, null where empty (docs/protocol.md §3).";
        PrependSchemaVersion(response);
        RequireCodecNames(response, nameof(IpcResponse), EnvelopeFields.Response);
        var code = response.Properties[EnvelopeFields.ErrorCode];
        code.Type = JsonObjectType.None;
        code.OneOf.Add(new JsonSchema { Type = JsonObjectType.Null });
        code.OneOf.Add(new JsonSchema { Reference = errorCode });
        foreach (var property in response.Properties.Values)
        {
            property.IsRequired = true;
        }
    }

    private static void PrependSchemaVersion(JsonSchema envelope)
    {
        var fields = envelope.Properties.ToList();
        envelope.Properties.Clear();
        var version = new JsonSchemaProperty { Type = JsonObjectType.String };
        version.Enumeration.Add(IpcSchema.Version);
        envelope.Properties[EnvelopeFields.SchemaVersion] = version;
        foreach (var (name, property) in fields)
        {
            envelope.Properties[name] = property;
        }
    }

    private static void RequireCodecNames(JsonSchema envelope, string record, IReadOnlyList<string> codecNames)
    {
        if (!envelope.Properties.Keys.SequenceEqual(codecNames, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"the schema of {record} has the fields [{string.Join(", ", envelope.Properties.Keys)}], "
                + $"but the codec's are [{string.Join(", ", codecNames)}] (EnvelopeFields)");
        }
    }
}
