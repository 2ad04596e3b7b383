using System.CommandLine;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw completion bash</c>: a bash completion script, as <c>docker completion bash</c> prints one.
/// The script asks opsclaw itself what may come next through System.CommandLine's <c>[suggest]</c>
/// directive, so it knows every command and option without a copy of them; other shells can use
/// <c>dotnet-suggest</c>, which speaks the same directive (docs/api-reference.md, "Shell completion").
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # bash completion for opsclaw; load it with: source <(opsclaw completion bash)
        _opsclaw_complete() {
            local IFS=$'\n'
            local suggestions
            suggestions=$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) || return 0
            COMPREPLY=($(compgen -W "${suggestions}" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _opsclaw_complete opsclaw

        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "The shell to complete in: bash." };
        shell.AcceptOnlyFromAmong("bash");
        var command = new Command("completion", "Print a shell completion script: source <(opsclaw completion bash).") { shell };
        command.SetAction(_ =>
        {
            Console.Out.Write(Bash);
            Console.Out.Flush();
            return ExitCodes.Ok;
        });
        return command;
    }
}
