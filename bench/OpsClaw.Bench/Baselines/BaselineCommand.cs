using System.CommandLine;

namespace OpsClaw.Bench;

/// <summary><c>serve-raw-json --socket</c> and <c>serve-raw-fixed --socket</c>: a baseline server until SIGTERM or SIGINT.</summary>
internal static class BaselineCommand
{
    public static string CommandName(BaselineKind kind) => kind switch
    {
        BaselineKind.RawJson => "serve-raw-json",
        _ => "serve-raw-fixed",
    };

    public static Command Create(BaselineKind kind)
    {
        var socket = new Option<string>("--socket") { Description = "Path of the Unix socket to serve.", Required = true };
        var command = new Command(CommandName(kind), $"Serve the {kind} baseline on one socket until SIGTERM.") { socket };

        // System.CommandLine cancels the token on SIGTERM and SIGINT, so the server stops in order (socket file removed).
        command.SetAction((parse, stop) => RunAsync(kind, Path.GetFullPath(parse.GetValue(socket)!), stop));
        return command;
    }

    private static async Task<int> RunAsync(BaselineKind kind, string socketPath, CancellationToken stop)
    {
        Func<ILineResponder> responders = kind == BaselineKind.RawJson
            ? () => new RawJsonResponder()
            : () => RawFixedResponder.Instance;
        await RawServer.RunAsync(socketPath, responders, stop).ConfigureAwait(false);
        return 0;
    }
}
