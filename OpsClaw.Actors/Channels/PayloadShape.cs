using System.Numerics;
using Newtonsoft.Json.Linq;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// What JSON a request type takes, exactly: built once per type (<see cref="PayloadShapes"/>) and
/// checked against the payload before Newtonsoft converts it, because Newtonsoft coerces what does not
/// fit (<c>"10"</c> into an int, <c>1.5</c> rounded to 2, <c>123</c> into a string, field names in any
/// case). A payload the shape accepts converts without any of that.
/// </summary>
internal abstract class PayloadShape
{
    protected PayloadShape(string expected) => Expected = expected;

    /// <summary>What a value must be, in the client's words: "a string", "a whole number from 0 to 255".</summary>
    public string Expected { get; }

    /// <summary>Null when <paramref name="token"/> (never a JSON null) fits; otherwise why not, its path relative to this value.</summary>
    public abstract PayloadFault? Check(JToken token);

    protected PayloadFault Mismatch() => PayloadFault.Mismatch(Expected);
}

/// <summary>A place a value goes (the payload, a field, an array item, a dictionary value): its shape and whether null may stand in it.</summary>
internal sealed record PayloadSlot(PayloadShape Shape, bool AllowsNull)
{
    public PayloadFault? Check(JToken token) =>
        token.Type == JTokenType.Null
            ? AllowsNull ? null : PayloadFault.Null()
            : Shape.Check(token);
}

/// <summary>
/// A field of an object: its JSON name (matched exactly), its slot, whether the payload must hold it,
/// and the value it takes when left out (a constructor parameter's default, which Newtonsoft would not apply).
/// </summary>
internal sealed record PayloadField(string Name, PayloadSlot Slot, bool Required, JToken? Default = null);

/// <summary>Why a payload does not fit, with the path of the value (<c>items[2].name</c>; empty for the payload itself).</summary>
internal sealed record PayloadFault(PayloadFault.Kinds Kind, string Path, string Detail)
{
    public enum Kinds
    {
        Mismatch,
        Null,
        Missing,
        WrongCase,
        WrongName,
    }

    public string Message => Kind switch
    {
        Kinds.Mismatch when Path.Length == 0 => $"payload must be {Detail}",
        Kinds.Mismatch => $"field '{Path}' must be {Detail}",
        Kinds.Null when Path.Length == 0 => "expected a value, got null",
        Kinds.Null => $"field '{Path}' must not be null",
        Kinds.Missing => $"field '{Path}' is required",
        Kinds.WrongCase => $"field '{Path}' is unknown (field names are case-sensitive): did you mean '{Detail}'?",
        _ => $"field '{Path}' is unknown: the field is named '{Detail}'",
    };

    public static PayloadFault Mismatch(string expected) => new(Kinds.Mismatch, "", expected);

    public static PayloadFault Null() => new(Kinds.Null, "", "");

    public static PayloadFault Missing(string name) => new(Kinds.Missing, name, "");

    /// <summary>A name that would bind a field only because Newtonsoft also matches names in another case or a constructor parameter's name.</summary>
    public static PayloadFault WrongName(string given, string field) =>
        new(string.Equals(given, field, StringComparison.OrdinalIgnoreCase) ? Kinds.WrongCase : Kinds.WrongName, given, field);

    /// <summary>This fault seen from the parent: its path prefixed with the field name or <c>[index]</c> it sits at.</summary>
    public PayloadFault Under(string step) => this with
    {
        Path = Path.Length == 0 ? step : Path[0] == '[' ? step + Path : step + "." + Path,
    };
}

/// <summary>Anything goes: JToken fields, <c>object</c>, and types with a converter of their own, which decides for itself.</summary>
internal sealed class AnyShape() : PayloadShape("any JSON value")
{
    public static AnyShape Instance { get; } = new();

    public override PayloadFault? Check(JToken token) => null;
}

/// <summary>A JSON string, never a number or boolean turned into one (also for Guid, dates, Uri: their text is Newtonsoft's to parse).</summary>
internal sealed class StringShape(string expected, int? length = null) : PayloadShape(expected)
{
    public override PayloadFault? Check(JToken token) =>
        token.Type == JTokenType.String && (length is null || ((string)token!).Length == length) ? null : Mismatch();
}

/// <summary>JSON true or false, never a string or a number.</summary>
internal sealed class BooleanShape(string expected) : PayloadShape(expected)
{
    public override PayloadFault? Check(JToken token) => token.Type == JTokenType.Boolean ? null : Mismatch();
}

/// <summary>Any JSON number (for float, double and decimal fields), never a string.</summary>
internal sealed class NumberShape(string expected) : PayloadShape(expected)
{
    public override PayloadFault? Check(JToken token) => token.Type is JTokenType.Integer or JTokenType.Float ? null : Mismatch();
}

/// <summary>
/// A JSON number with no fractional part, within the integer type's range: <c>2</c>, <c>2.0</c> and
/// <c>2e0</c> are the same whole number; <c>1.5</c> and <c>"2"</c> are refused, never rounded or parsed.
/// </summary>
internal sealed class IntegerShape(string expected, BigInteger min, BigInteger max) : PayloadShape(expected)
{
    public override PayloadFault? Check(JToken token) => WholeValue(token) is { } value && value >= min && value <= max ? null : Mismatch();

    private static BigInteger? WholeValue(JToken token) => (token as JValue)?.Value switch
    {
        long value => value,
        BigInteger value => value,
        decimal value when value == decimal.Truncate(value) => new BigInteger(value),
        double value when double.IsFinite(value) && value == Math.Floor(value) => new BigInteger(value),
        _ => null,
    };
}

/// <summary>An enum member by its exact name, or by its number (which is how a reply writes it) if the enum defines it.</summary>
internal sealed class EnumShape(string expected, Type enumType) : PayloadShape(expected)
{
    private readonly HashSet<string> _names = new(Enum.GetNames(enumType), StringComparer.Ordinal);
    private readonly HashSet<BigInteger> _values = [.. Enum.GetValuesAsUnderlyingType(enumType).Cast<object>().Select(value => new BigInteger(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)))];
    private readonly bool _flags = enumType.IsDefined(typeof(FlagsAttribute), inherit: false);

    public override PayloadFault? Check(JToken token) => token.Type switch
    {
        JTokenType.String when _names.Contains((string)token!) => null,
        JTokenType.Integer when _flags || _values.Contains(ToBigInteger((JValue)token)) => null,
        _ => Mismatch(),
    };

    private static BigInteger ToBigInteger(JValue value) => value.Value is BigInteger big ? big : new BigInteger(Convert.ToInt64(value.Value, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A JSON array whose every item fits the item slot.</summary>
internal sealed class ArrayShape(string expected, PayloadSlot item) : PayloadShape(expected)
{
    public override PayloadFault? Check(JToken token)
    {
        if (token is not JArray array)
        {
            return Mismatch();
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (item.Check(array[i]) is { } fault)
            {
                return fault.Under($"[{i}]");
            }
        }

        return null;
    }
}

/// <summary>A JSON object read as a dictionary: any keys, every value fitting the value slot.</summary>
internal sealed class DictionaryShape(string expected, PayloadSlot value) : PayloadShape(expected)
{
    public override PayloadFault? Check(JToken token)
    {
        if (token is not JObject members)
        {
            return Mismatch();
        }

        foreach (var member in members.Properties())
        {
            if (value.Check(member.Value) is { } fault)
            {
                return fault.Under(member.Name);
            }
        }

        return null;
    }
}

/// <summary>
/// A JSON object read into a type's fields: each field by its exact name; a name that matches a field
/// only when case is ignored is refused (Newtonsoft would take it); other unknown names are ignored;
/// every required field must be there. A field left out that has a constructor default is filled in
/// with it, so the handler sees the default the type declares.
/// </summary>
internal sealed class ObjectShape() : PayloadShape("a JSON object")
{
    private Dictionary<string, PayloadField> _fields = [];
    private Dictionary<string, string> _namesIgnoringCase = [];
    private PayloadField[] _required = [];
    private PayloadField[] _defaulted = [];

    /// <summary>
    /// Set once, after construction, so a type that contains itself can point at its own shape.
    /// <paramref name="aliases"/> are other names Newtonsoft would bind a field by (a constructor
    /// parameter's), each with the field's JSON name: refused like a name in the wrong case.
    /// </summary>
    public void Define(IReadOnlyList<PayloadField> fields, IReadOnlyDictionary<string, string> aliases)
    {
        _fields = fields.ToDictionary(field => field.Name, StringComparer.Ordinal);
        _namesIgnoringCase = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields)
        {
            _namesIgnoringCase.TryAdd(field.Name, field.Name);
        }

        foreach (var (alias, name) in aliases)
        {
            _namesIgnoringCase.TryAdd(alias, name);
        }

        _required = [.. fields.Where(field => field.Required)];
        _defaulted = [.. fields.Where(field => field.Default is not null)];
    }

    public override PayloadFault? Check(JToken token)
    {
        if (token is not JObject members)
        {
            return Mismatch();
        }

        foreach (var member in members.Properties())
        {
            if (_fields.TryGetValue(member.Name, out var field))
            {
                if (field.Slot.Check(member.Value) is { } fault)
                {
                    return fault.Under(member.Name);
                }
            }
            else if (_namesIgnoringCase.TryGetValue(member.Name, out var name))
            {
                return PayloadFault.WrongName(member.Name, name);
            }
        }

        foreach (var field in _required)
        {
            if (!members.ContainsKey(field.Name))
            {
                return PayloadFault.Missing(field.Name);
            }
        }

        // The payload was parsed for this request alone, so completing it here costs no copy.
        foreach (var field in _defaulted)
        {
            if (!members.ContainsKey(field.Name))
            {
                members[field.Name] = field.Default!.DeepClone();
            }
        }

        return null;
    }
}
