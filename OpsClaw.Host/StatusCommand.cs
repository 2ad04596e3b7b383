using System.CommandLine;
using System.Runtime.InteropServices;
using Newtonsoft.Json;
using OpsClaw.Actors;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Host;

/// <summary><c>opsclaw ipc status [--dir] [--watch]</c>: <c>control.status</c> as a table, once or every second.</summary>
internal static class StatusCommand
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Socket directory of the host (default .opsclaw/sockets)." };
        var watch = new Option<bool>("--watch") { Description = "Refresh once a second until Ctrl-C." };
        var command = new Command("status", "Show the host's version, uptime and per-channel connections, requests, errors and latency.")
        {
            dir, watch,
        };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(dir), parse.GetValue(watch)));
        return command;
    }

    private static async Task<int> RunAsync(string? dir, bool watch)
    {
        // Ctrl-C (or SIGTERM) ends a watch normally: finish the current table, exit 0.
        using var stop = new CancellationTokenSource();
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => StopOnSignal(signal, stop));
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => StopOnSignal(signal, stop));
        var cancel = stop.Token;

        var socketDir = Path.GetFullPath(dir ?? IpcSettings.Create(IpcDefaults.Config).SocketDirectory);
        var socketPath = SocketPaths.SocketPath(socketDir, ControlChannelActor.Name);
        if (await HostConnection.ConnectAsync(socketPath, cancel).ConfigureAwait(false) is not { } client)
        {
            return ExitCodes.Usage;
        }

        await using (client.ConfigureAwait(false))
        {
            // Clearing the screen is for a person watching a terminal; piped output gets one table after another.
            var clear = watch && !Console.IsOutputRedirected;
            do
            {
                string table;
                try
                {
                    table = StatusTable.Render(await QueryAsync(client, cancel).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    return ExitCodes.Ok;
                }
                catch (Exception ex) when (ex is TimeoutException or IOException or StatusUnavailableException or Newtonsoft.Json.JsonException)
                {
                    return ExitCodes.Fail(ExitCodes.Usage, ex.Message);
                }

                Console.Out.Write(clear ? "\u001b[H\u001b[2J" + table : table + (watch ? "\n" : ""));
                Console.Out.Flush();
            }
            while (watch && await WaitAsync(cancel).ConfigureAwait(false));
        }

        return ExitCodes.Ok;
    }

    private static async Task<StatusReport> QueryAsync(IpcClient client, CancellationToken cancel)
    {
        var response = await client.SendAsync(MessageTypes.ControlStatus, "{}", null, RequestTimeout, cancel).ConfigureAwait(false);
        if (!response.Ok)
        {
            throw new StatusUnavailableException($"control.status failed: {response.ErrorCode}: {response.Error}");
        }

        return JsonConvert.DeserializeObject<StatusReport>(response.PayloadJson, IpcJson.Settings)
            ?? throw new StatusUnavailableException("control.status answered an empty payload");
    }

    private static void StopOnSignal(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    /// <summary>Waits one interval; false once Ctrl-C (or SIGTERM) asks to stop.</summary>
    private static async Task<bool> WaitAsync(CancellationToken cancel)
    {
        try
        {
            await Task.Delay(WatchInterval, cancel).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed class StatusUnavailableException(string message) : Exception(message);
}
