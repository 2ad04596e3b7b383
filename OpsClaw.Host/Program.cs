using System.CommandLine;
using OpsClaw.Host;

var root = new RootCommand("OpsClaw: a local message broker that serves NDJSON envelopes over Unix sockets.")
{
    new Command("ipc", "Serve the IPC sockets, or talk to them.")
    {
        ServeCommand.Create(),
        SendCommand.Create(),
    },
    SchemaCommand.Create(),
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

return await parsed.InvokeAsync();
