using System.Collections.Concurrent;
using System.Numerics;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The <see cref="PayloadShape"/> of each request type, made from the same Newtonsoft contract that
/// binds it (so field names are the JSON names it binds) and kept for the life of the process: the
/// reflection is paid once per type, never per request.
/// </summary>
/// <remarks>
/// A field is required when <c>[JsonProperty(Required = …)]</c> says so (<c>Always</c>, <c>AllowNull</c>),
/// or, left at <c>Default</c>, when its type cannot be null: a value type that is not <c>Nullable&lt;T&gt;</c>
/// or a reference type annotated non-nullable, unless its constructor parameter has a default value.
/// <c>Required.DisallowNull</c> makes a field optional that must not be null when given.
/// </remarks>
internal static class PayloadShapes
{
    private static readonly ConcurrentDictionary<Type, PayloadSlot> Roots = new();

    /// <summary>The payload's slot for <paramref name="type"/>: a JSON null is never a request.</summary>
    public static PayloadSlot For(Type type, IContractResolver resolver) =>
        Roots.GetOrAdd(type, static (root, resolver) => new Builder(resolver).Slot(root, NullabilityState.NotNull, null), resolver);

    /// <summary>Builds the shapes of one type's graph; objects are shared, so a type that contains itself ends.</summary>
    private sealed class Builder(IContractResolver resolver)
    {
        private readonly Dictionary<Type, ObjectShape> _objects = [];

        // Not thread-safe, hence one per build.
        private readonly NullabilityInfoContext _nullability = new();

        /// <summary>
        /// The slot of a value of <paramref name="type"/>; <paramref name="state"/> says whether a reference
        /// type was declared nullable there, <paramref name="info"/> carries the annotations of its items.
        /// </summary>
        public PayloadSlot Slot(Type type, NullabilityState state, NullabilityInfo? info)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                return new PayloadSlot(Shape(underlying, info), AllowsNull: true);
            }

            return new PayloadSlot(Shape(type, info), AllowsNull: !type.IsValueType && state != NullabilityState.NotNull);
        }

        private PayloadShape Shape(Type type, NullabilityInfo? info)
        {
            var contract = resolver.ResolveContract(type);
            if (contract.Converter is not null || type == typeof(object))
            {
                return AnyShape.Instance;
            }

            var expected = PayloadProblem.Describe(type, resolver);
            if (type.IsEnum)
            {
                return new EnumShape(expected, type);
            }

            return contract switch
            {
                // Also JsonStringContract: a type with a TypeConverter, read from a JSON string.
                JsonPrimitiveContract => Primitive(type, expected),
                JsonArrayContract { IsMultidimensionalArray: false, CollectionItemType: { } item } =>
                    new ArrayShape(expected, Slot(item, ItemState(info, type.IsArray ? info?.ElementType : Argument(info, 0)), type.IsArray ? info?.ElementType : Argument(info, 0))),
                JsonDictionaryContract { DictionaryValueType: { } value } =>
                    new DictionaryShape(expected, Slot(value, ItemState(info, Argument(info, 1)), Argument(info, 1))),
                JsonObjectContract objectContract => Object(type, objectContract),
                _ => AnyShape.Instance,
            };
        }

        private static PayloadShape Primitive(Type type, string expected)
        {
            if (type == typeof(BigInteger))
            {
                return new IntegerShape("a whole number", BigInteger.MinusOne << 4096, BigInteger.One << 4096);
            }

            return Type.GetTypeCode(type) switch
            {
                TypeCode.String => new StringShape(expected),
                TypeCode.Char => new StringShape("a string of one character", length: 1),
                TypeCode.Boolean => new BooleanShape(expected),
                TypeCode.Single or TypeCode.Double or TypeCode.Decimal => new NumberShape(expected),
                TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                    or TypeCode.Int64 or TypeCode.UInt64 => new IntegerShape(expected, Bound(type, "MinValue"), Bound(type, "MaxValue")),

                // DateTime, DateTimeOffset, Guid, TimeSpan, Uri, byte[]: Newtonsoft reads each from a JSON string.
                _ => new StringShape(expected),
            };
        }

        private static BigInteger Bound(Type type, string field) =>
            new(Convert.ToDecimal(type.GetField(field)!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture));

        private ObjectShape Object(Type type, JsonObjectContract contract)
        {
            if (_objects.TryGetValue(type, out var known))
            {
                return known;
            }

            var shape = new ObjectShape();
            _objects[type] = shape;

            var creator = CreatorParameters(type, contract);
            var fields = new List<PayloadField>();
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in contract.Properties)
            {
                (ParameterInfo Info, string Name)? parameter =
                    property.UnderlyingName is { } member && creator.TryGetValue(member, out var found) ? found : null;
                if (property.Ignored || property.PropertyName is null || property.PropertyType is null || (!property.Writable && parameter is null))
                {
                    continue;
                }

                var nullability = Nullability(property, parameter?.Info);
                var state = nullability?.ReadState ?? NullabilityState.Unknown;
                var slot = property.Converter is null
                    ? Slot(property.PropertyType, state, nullability)
                    : new PayloadSlot(AnyShape.Instance, AllowsNull: !property.PropertyType.IsValueType || Nullable.GetUnderlyingType(property.PropertyType) is not null);
                var (required, allowsNull) = property.Required switch
                {
                    Required.Always => (true, false),
                    Required.AllowNull => (true, true),
                    Required.DisallowNull => (false, false),
                    _ => (!slot.AllowsNull && parameter is not { Info.HasDefaultValue: true }, slot.AllowsNull),
                };
                var fallback = parameter is { Info: { HasDefaultValue: true } info } ? DefaultOf(info) : null;
                fields.Add(new PayloadField(property.PropertyName, slot with { AllowsNull = allowsNull }, required, fallback));
                if (parameter is { Name: var creatorName } && creatorName != property.PropertyName)
                {
                    aliases[creatorName] = property.PropertyName;
                }
            }

            shape.Define(fields, aliases);
            return shape;
        }

        /// <summary>
        /// The constructor parameters Newtonsoft creates the type with, by the member each sets, with the
        /// name Newtonsoft matches it by: the parameter's own, which for a renamed record property
        /// (<c>[property: JsonProperty("display_name")] string DisplayName</c>) is not the field's JSON name.
        /// </summary>
        private static Dictionary<string, (ParameterInfo Info, string Name)> CreatorParameters(Type type, JsonObjectContract contract)
        {
            var byMember = new Dictionary<string, (ParameterInfo Info, string Name)>(StringComparer.Ordinal);
            if (contract.CreatorParameters.Count == 0)
            {
                return byMember;
            }

            var names = contract.CreatorParameters.Select(parameter => parameter.UnderlyingName ?? parameter.PropertyName).ToList();
            var constructor = type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .FirstOrDefault(candidate => candidate.GetParameters() is var parameters
                    && parameters.Length == names.Count
                    && parameters.All(parameter => names.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase)));
            foreach (var parameter in constructor?.GetParameters() ?? [])
            {
                var creator = contract.CreatorParameters.First(candidate =>
                    string.Equals(candidate.UnderlyingName ?? candidate.PropertyName, parameter.Name, StringComparison.OrdinalIgnoreCase));
                var member = contract.Properties.FirstOrDefault(property =>
                    string.Equals(property.UnderlyingName, parameter.Name, StringComparison.OrdinalIgnoreCase))?.UnderlyingName;
                if (member is not null && creator.PropertyName is not null)
                {
                    byMember[member] = (parameter, creator.PropertyName);
                }
            }

            return byMember;
        }

        /// <summary>
        /// A constructor parameter's default as JSON (an enum as its number, as replies write it); null for
        /// <c>default</c> of a value type, which is what Newtonsoft passes for a missing parameter anyway.
        /// </summary>
        private static JToken? DefaultOf(ParameterInfo parameter) => parameter.DefaultValue switch
        {
            null when parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null => null,
            null => JValue.CreateNull(),
            DBNull or Missing => null,
            Enum value => new JValue(Convert.ChangeType(value, value.GetTypeCode(), System.Globalization.CultureInfo.InvariantCulture)),
            var value => new JValue(value),
        };

        /// <summary>The nullability the member (or its constructor parameter) was declared with; null when it cannot be found.</summary>
        private NullabilityInfo? Nullability(JsonProperty property, ParameterInfo? parameter)
        {
            const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            if (property.DeclaringType?.GetProperty(property.UnderlyingName!, Members) is { } declared)
            {
                return _nullability.Create(declared);
            }

            if (property.DeclaringType?.GetField(property.UnderlyingName!, Members) is { } field)
            {
                return _nullability.Create(field);
            }

            return parameter is null ? null : _nullability.Create(parameter);
        }

        private static NullabilityInfo? Argument(NullabilityInfo? info, int index) =>
            info is not null && index < info.GenericTypeArguments.Length ? info.GenericTypeArguments[index] : null;

        /// <summary>Items of a collection whose annotations are unknown may be null, as Newtonsoft allows.</summary>
        private static NullabilityState ItemState(NullabilityInfo? collection, NullabilityInfo? item) =>
            collection is null ? NullabilityState.Unknown : item?.ReadState ?? NullabilityState.Unknown;
    }
}
