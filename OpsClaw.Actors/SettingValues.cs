using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsClaw.Actors;

/// <summary>
/// The value syntaxes of the settings, parsed strictly from the text HOCON holds, and written back the
/// same way for <c>opsclaw config show</c>. Akka's own getters throw a bare FormatException for a value
/// they cannot read and read what they can leniently; these say yes or no, so every bad value becomes
/// a problem naming its key.
/// </summary>
internal static partial class SettingValues
{
    /// <summary>The longest duration a setting takes: what a millisecond timer of the runtime can hold, rounded down to whole days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(24);

    /// <summary>A whole number in decimal digits with an optional sign; no fraction, exponent, separators or units.</summary>
    public static bool TryWholeNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// A HOCON duration: a number, optionally followed by a unit (ns, us, ms, s, m, h, d or their long
    /// names, singular or plural). A bare number is milliseconds, as HOCON says. No sign and no exponent.
    /// </summary>
    public static bool TryDuration(string text, out TimeSpan value)
    {
        value = default;
        var match = Duration().Match(text);
        if (!match.Success
            || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || UnitTicks(match.Groups["unit"].Value) is not { } ticksPerUnit)
        {
            return false;
        }

        var ticks = number * ticksPerUnit;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            // Longer than any TimeSpan: report it as the longest, which every range check refuses.
            value = TimeSpan.MaxValue;
            return true;
        }

        value = TimeSpan.FromTicks((long)decimal.Round(ticks));
        return true;
    }

    /// <summary>HOCON's boolean words, as Akka reads them: true/false, on/off, yes/no (lower case).</summary>
    public static bool TryBoolean(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "on" or "yes":
                value = true;
                return true;
            case "false" or "off" or "no":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>An octal file mode of 1 to 4 digits 0-7, such as 0660.</summary>
    public static bool TryOctalMode(string text, out UnixFileMode mode)
    {
        mode = default;
        if (text.Length is 0 or > 4 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        mode = (UnixFileMode)Convert.ToInt32(text, 8);
        return true;
    }

    /// <summary>A duration in the largest unit that keeps it whole: 30s, 5m, 1500us.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        foreach (var (unit, ticks) in Units)
        {
            if (value.Ticks % ticks == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / ticks}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks * 100}ns");
    }

    /// <summary>An octal mode as the settings write it: four digits, e.g. "0660".</summary>
    public static string FormatMode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>A string as a HOCON (and JSON) quoted string.</summary>
    public static string Quote(string text) => Newtonsoft.Json.JsonConvert.ToString(text);

    /// <summary>
    /// A value as a problem shows it: a plain token (a number, a word, a duration) as it is, anything
    /// else quoted, so an empty string or one with spaces is visible.
    /// </summary>
    public static string Show(string text) => PlainToken().IsMatch(text) ? text : Quote(text);

    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("us", TimeSpan.TicksPerMicrosecond),
    ];

    /// <summary>Ticks (100 ns) per unit; nanoseconds are fractions of a tick and round to the nearest.</summary>
    private static decimal? UnitTicks(string unit) => unit switch
    {
        "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => TimeSpan.TicksPerMillisecond,
        "ns" or "nano" or "nanos" or "nanosecond" or "nanoseconds" => 0.01m,
        "us" or "micro" or "micros" or "microsecond" or "microseconds" => TimeSpan.TicksPerMicrosecond,
        "s" or "second" or "seconds" => TimeSpan.TicksPerSecond,
        "m" or "minute" or "minutes" => TimeSpan.TicksPerMinute,
        "h" or "hour" or "hours" => TimeSpan.TicksPerHour,
        "d" or "day" or "days" => TimeSpan.TicksPerDay,
        _ => null,
    };

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[a-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    [GeneratedRegex(@"^-?[A-Za-z0-9][A-Za-z0-9._+\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainToken();
}
