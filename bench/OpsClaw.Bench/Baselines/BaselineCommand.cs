using System.CommandLine;
using System.Runtime.InteropServices;

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
        command.SetAction((parse, _) => RunAsync(kind, Path.GetFullPath(parse.GetValue(socket)!)));
        return command;
    }

    private static async Task<int> RunAsync(BaselineKind kind, string socketPath)
    {
        using var stop = new CancellationTokenSource();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => StopOnSignal(signal, stop));
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => StopOnSignal(signal, stop));
        Func<ILineResponder> responders = kind == BaselineKind.RawJson
            ? () => new RawJsonResponder()
            : () => RawFixedResponder.Instance;
        await RawServer.RunAsync(socketPath, responders, stop.Token).ConfigureAwait(false);
        return 0;
    }

    private static void StopOnSignal(PosixSignalContext signal, CancellationTokenSource stop)
    {
        // Stop in order (socket file removed) rather than the runtime's immediate exit.
        signal.Cancel = true;
        stop.Cancel();
    }
}
