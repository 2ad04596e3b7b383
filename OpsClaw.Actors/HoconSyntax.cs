namespace OpsClaw.Actors;

/// <summary>
/// What Akka's HOCON parser lets through without a word: it closes every brace still open at the end
/// of the text, ends an unclosed string there, and stops reading at a stray <c>}</c>, so a file cut
/// short (a full disk, an editor killed mid-save) or a brace too many loads as a config that is
/// silently missing its last settings. This scan finds those before the parser runs: unbalanced
/// braces and brackets, strings not closed, a separator with no value. It is not a full HOCON grammar;
/// everything else is the parser's to judge.
/// </summary>
internal static class HoconSyntax
{
    /// <summary>Each structural problem of <paramref name="text"/>, as "<paramref name="source"/>: line N: what"; empty when none.</summary>
    public static IReadOnlyList<string> Problems(string text, string source)
    {
        var problems = new List<string>();
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        int? separatorLine = null;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        void Add(int at, string what) => problems.Add($"{source}: line {at}: {what}");

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '#' || (c == '/' && At(text, i, "//")))
            {
                i = text.IndexOf('\n', i) is var end and >= 0 ? end : text.Length;
                continue;
            }

            if (c is '}' or ']' or ',' && separatorLine is { } dangling)
            {
                Add(dangling, "a key's '=' (or ':') is not followed by a value");
            }

            separatorLine = c is '=' or ':' ? line : null;
            switch (c)
            {
                case '"' when At(text, i, "\"\"\""):
                    var close = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        Add(line, "a \"\"\" string opened here is never closed (is the file cut short?)");
                        return problems;
                    }

                    line += text.AsSpan(i, close - i).Count('\n');
                    i = close + 3;
                    continue;
                case '"':
                    i = SkipQuoted(text, i);
                    if (i < 0)
                    {
                        Add(line, "a quoted string is not closed on its line");
                        return problems;
                    }

                    continue;
                case '$' when At(text, i, "${"):
                    open.Push(('$', line));
                    i += 2;
                    continue;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    if (open.Count == 0)
                    {
                        Add(line, $"'{c}' closes nothing (everything after it would be ignored)");
                        return problems;
                    }

                    var (bracket, openedOn) = open.Pop();
                    if ((c == ']') != (bracket == '['))
                    {
                        Add(line, $"'{c}' cannot close the '{Shown(bracket)}' opened on line {openedOn}");
                        return problems;
                    }

                    break;
                default:
                    break;
            }

            i++;
        }

        if (separatorLine is { } last)
        {
            Add(last, "a key's '=' (or ':') is not followed by a value (is the file cut short?)");
        }

        if (open.Count > 0)
        {
            var (bracket, openedOn) = open.Peek();
            Add(openedOn, $"the '{Shown(bracket)}' opened here is never closed (is the file cut short?)");
        }

        return problems;
    }

    /// <summary>The index after the closing quote of the string starting at <paramref name="start"/>, or -1 if the line or text ends first.</summary>
    private static int SkipQuoted(string text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i + 1;
                case '\n':
                    return -1;
                default:
                    break;
            }
        }

        return -1;
    }

    private static bool At(string text, int index, string token) => text.AsSpan(index).StartsWith(token, StringComparison.Ordinal);

    private static string Shown(char bracket) => bracket == '$' ? "${" : bracket.ToString();
}
