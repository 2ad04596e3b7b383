using System.CommandLine;
using System.CommandLine.Parsing;
using OpsClaw.Host;

var root = new RootCommand("OpsClaw: a local message broker that serves NDJSON envelopes over Unix sockets.")
{
    Shortcuts.Ping(),
    Shortcuts.Health(),
    StatusCommand.Create(),
    Shortcuts.Channels(),
    PubCommand.Create(),
    SubCommand.Create(),
    Shortcuts.Topics(),
    Shortcuts.Streams(),
    Shortcuts.Cluster(),
    StopCommand.Create(),
    SendCommand.Create(),
    new Command("ipc", "Serve the IPC sockets, or talk to them.")
    {
        ServeCommand.Create(),
        SendCommand.Create(),
        StatusCommand.Create(),
    },
    SchemaCommand.Create(),
    ConfigCommand.Create(),
    CompletionCommand.Create(),
};
root.Subcommands.Add(HelpCommand.Create(root));

// No response files: "--payload @file" is ours to read (System.CommandLine would splice the file into the arguments).
var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parsed.Errors.Count > 0)
{
    var help = $"opsclaw help {CommandPath(parsed.CommandResult)}".TrimEnd();
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"opsclaw: {error.Message} (see '{help}')");
    }

    return ExitCodes.Usage;
}

// Each command that runs until stopped (serve-sockets, status --watch) handles SIGINT and SIGTERM
// itself, so that an orderly stop exits 0 rather than System.CommandLine's 130/143.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

// "ipc send" for the send under ipc; empty for the root.
static string CommandPath(CommandResult result) =>
    result.Parent is CommandResult parent ? $"{CommandPath(parent)} {result.Command.Name}".TrimStart() : "";
