using System.CommandLine;
using System.Globalization;

namespace OpsClaw.Host;

/// <summary>
/// An option that takes a duration in milliseconds: a positive whole number. A bad value is refused
/// in words ("a whole number of milliseconds"), not in CLR type names. Read it with <see cref="Of"/>.
/// </summary>
internal static class Milliseconds
{
    public static Option<int> Option(string name, string description, int defaultMilliseconds) => new(name)
    {
        Description = description,
        HelpName = "ms",
        DefaultValueFactory = _ => defaultMilliseconds,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return defaultMilliseconds;
            }

            var text = result.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            result.AddError(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number <= 0
                ? $"{name} must be more than 0, not {text}"
                : $"{name} takes a whole number of milliseconds (1 to {int.MaxValue}), not '{text}'");
            return default;
        },
    };

    public static TimeSpan Of(ParseResult parse, Option<int> option) => TimeSpan.FromMilliseconds(parse.GetValue(option));
}
