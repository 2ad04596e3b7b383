using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Says in the client's terms why a payload does not fit a handler's request type: which field,
/// and what it must be, in JSON words rather than .NET type names.
/// </summary>
internal static partial class PayloadProblem
{
    public static string Explain(Type root, JsonException ex, IContractResolver resolver)
    {
        var path = ex switch
        {
            JsonSerializationException serialization => serialization.Path,
            JsonReaderException reader => reader.Path,
            _ => null,
        } ?? "";

        if (MissingProperty().Match(ex.Message) is { Success: true } missing)
        {
            return $"field '{Join(path, missing.Groups[1].Value)}' is required";
        }

        if (NullProperty().Match(ex.Message) is { Success: true } required)
        {
            return $"field '{Join(path, required.Groups[1].Value)}' must not be null";
        }

        if (path.Length == 0)
        {
            return $"payload must be {Describe(root, resolver)}";
        }

        if (ex.Message.StartsWith("Error converting value {null}", StringComparison.Ordinal))
        {
            return $"field '{path}' must not be null";
        }

        return TypeAt(root, path, resolver) is { } target
            ? $"field '{path}' must be {Describe(target, resolver)}"
            : $"field '{path}' does not have the expected type";
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    /// <summary>The .NET type expected at a Newtonsoft path such as <c>items[2].name</c>, or null if it cannot be followed.</summary>
    private static Type? TypeAt(Type root, string path, IContractResolver resolver)
    {
        var type = root;
        foreach (Match step in PathStep().Matches(path))
        {
            var contract = resolver.ResolveContract(type);
            if (step.Groups["index"].Success)
            {
                if (contract is not JsonArrayContract { CollectionItemType: { } item })
                {
                    return null;
                }

                type = item;
            }
            else if (contract is JsonObjectContract objectContract
                && objectContract.Properties.GetClosestMatchProperty(step.Groups["name"].Value) is { PropertyType: { } property })
            {
                type = property;
            }
            else if (contract is JsonDictionaryContract { DictionaryValueType: { } value })
            {
                type = value;
            }
            else
            {
                return null;
            }
        }

        return type;
    }

    /// <summary>What a value of <paramref name="type"/> must be, in JSON words.</summary>
    public static string Describe(Type type, IContractResolver resolver)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(name => $"'{name}'"));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => string.Create(
                    CultureInfo.InvariantCulture, $"a whole number from {type.GetField("MinValue")!.GetValue(null)} to {type.GetField("MaxValue")!.GetValue(null)}"),
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.String or TypeCode.Char or TypeCode.DateTime => "a string",
            TypeCode.Boolean => "true or false",
            _ => resolver.ResolveContract(type) switch
            {
                JsonArrayContract => "an array",
                JsonObjectContract or JsonDictionaryContract => "a JSON object",
                _ when typeof(IEnumerable).IsAssignableFrom(type) => "an array",
                _ => "a string",
            },
        };
    }

    [GeneratedRegex("^Required property '([^']*)' not found")]
    private static partial Regex MissingProperty();

    [GeneratedRegex("^Required property '([^']*)' expects a non-null value")]
    private static partial Regex NullProperty();

    [GeneratedRegex(@"(?<name>[^.\[\]]+)|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}
