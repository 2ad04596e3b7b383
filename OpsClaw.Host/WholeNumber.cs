using System.CommandLine;
using System.Globalization;

namespace OpsClaw.Host;

/// <summary>
/// An option that takes a count: a whole number from 1 to a maximum, refused in words (as
/// <see cref="Milliseconds"/> does for durations) rather than in CLR type names.
/// </summary>
internal static class WholeNumber
{
    public static Option<int?> Option(string name, string description, string helpName, int max) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 && value <= max)
            {
                return value;
            }

            result.AddError(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number <= 0
                ? $"{name} must be more than 0, not {text}"
                : string.Create(CultureInfo.InvariantCulture, $"{name} takes a whole number from 1 to {max}, not '{text}'"));
            return null;
        },
    };
}
