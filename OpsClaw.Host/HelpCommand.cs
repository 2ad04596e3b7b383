using System.CommandLine;

namespace OpsClaw.Host;

/// <summary><c>opsclaw help [command...]</c>: the same text as <c>opsclaw [command...] --help</c>, as git and docker accept it.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root)
    {
        var words = new Argument<string[]>("command") { Description = "The command to describe, e.g. send or ipc serve-sockets.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show help for opsclaw or one of its commands.") { words };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(words) ?? [];
            Command current = root;
            foreach (var word in path)
            {
                if (current.Subcommands.FirstOrDefault(sub => sub.Name == word || sub.Aliases.Contains(word)) is not { } next)
                {
                    var known = string.Join(", ", current.Subcommands.Select(sub => sub.Name));
                    return ExitCodes.Fail(ExitCodes.Usage, $"'{string.Join(' ', path)}' is not an opsclaw command; '{(current == root ? "opsclaw" : current.Name)}' has: {known}");
                }

                current = next;
            }

            return root.Parse([.. path, "--help"]).Invoke();
        });
        return command;
    }
}
