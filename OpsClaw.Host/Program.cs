using System.CommandLine;
using OpsClaw.Host;

var root = new RootCommand("OpsClaw: a local message broker that serves NDJSON envelopes over Unix sockets.")
{
    new Command("ipc", "Serve the IPC sockets, or talk to them.")
    {
        ServeCommand.Create(),
        SendCommand.Create(),
        StatusCommand.Create(),
    },
    SchemaCommand.Create(),
    ConfigCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"opsclaw: {error.Message} (see 'opsclaw --help')");
    }

    return ExitCodes.Usage;
}

// Each command that runs until stopped (serve-sockets, status --watch) handles SIGINT and SIGTERM
// itself, so that an orderly stop exits 0 rather than System.CommandLine's 130/143.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
