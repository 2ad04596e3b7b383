using System.CommandLine;
using System.Runtime.InteropServices;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw status [--dir | --socket] [--json] [--watch] [--timeout-ms]</c> (also <c>opsclaw ipc
/// status</c>): <c>control.status</c> as a table or as JSON, once or every second.
/// </summary>
internal static class StatusCommand
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var location = new HostLocation(ControlChannelActor.Name);
        var watch = new Option<bool>("--watch") { Description = "Ask again every second until Ctrl-C." };
        var json = new Option<bool>("--json") { Description = "Print the report as one line of JSON (one line a second with --watch)." };
        var timeout = ShortcutCommand.TimeoutOption();
        var command = new Command("status", "Show the host's version, pid, uptime and per-channel connections, requests, errors and latency.")
        {
            watch, json, timeout,
        };
        location.AddTo(command);
        command.SetAction((parse, _) => RunAsync(location.Resolve(parse), parse.GetValue(watch), parse.GetValue(json), Milliseconds.Of(parse, timeout)));
        return command;
    }

    private static async Task<int> RunAsync(SocketTarget target, bool watch, bool json, TimeSpan timeout)
    {
        // Ctrl-C (or SIGTERM) ends a watch normally: finish the current table, exit 0.
        using var stop = new CancellationTokenSource();
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => StopOnSignal(signal, stop));
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => StopOnSignal(signal, stop));
        var cancel = stop.Token;

        if (await HostConnection.ConnectAsync(target, cancel).ConfigureAwait(false) is not { } client)
        {
            return ExitCodes.Usage;
        }

        await using (client.ConfigureAwait(false))
        {
            // Clearing the screen is for a person watching a terminal; piped output gets one table after another.
            var clear = watch && !json && !Console.IsOutputRedirected;
            var table = new StatusTable();
            do
            {
                IpcResponse response;
                try
                {
                    response = await client.SendAsync(MessageTypes.ControlStatus, IpcResponse.EmptyPayload, null, timeout, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    return ExitCodes.Ok;
                }
                catch (Exception ex) when (ex is TimeoutException or IOException)
                {
                    return ExitCodes.Fail(ExitCodes.Usage, ex.Message);
                }

                if (response.ErrorCode == IpcErrors.ShuttingDownCode)
                {
                    return HostStopping(target);
                }

                var printed = ReplyOutput.Print<StatusReport>(
                    MessageTypes.ControlStatus,
                    response,
                    json,
                    report => (clear ? "\u001b[H\u001b[2J" : "") + table.Render(report));
                if (printed != ExitCodes.Ok)
                {
                    return printed;
                }

                if (watch && !json && !clear)
                {
                    Console.Out.WriteLine();
                }
            }
            while (watch && await WaitAsync(client, cancel).ConfigureAwait(false));

            return cancel.IsCancellationRequested || client.IsConnected ? ExitCodes.Ok : HostStopping(target);
        }
    }

    private static int HostStopping(SocketTarget target) =>
        ExitCodes.Fail(ExitCodes.Usage, $"the host serving {target.Directory} is stopping or has stopped");

    private static void StopOnSignal(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    /// <summary>Waits one interval; false once Ctrl-C (or SIGTERM) asks to stop or the host closes the connection.</summary>
    private static async Task<bool> WaitAsync(IpcClient client, CancellationToken cancel)
    {
        var interval = Task.Delay(WatchInterval, cancel);
        await Task.WhenAny(interval, client.Closed).ConfigureAwait(false);
        return interval.IsCompletedSuccessfully && client.IsConnected;
    }
}
