using System.CommandLine;
using System.Diagnostics;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw stop</c>: <c>control.stop</c>, then, as <c>docker stop</c> does, wait until the host has
/// stopped. The sign is its lock file: a host removes it last, after its drain and its sockets, just
/// before it exits (docs/api-reference.md, "Socket directory and files").
/// </summary>
internal static class StopCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static Command Create()
    {
        var location = new HostLocation(ControlChannelActor.Name);
        var json = ShortcutCommand.JsonOption();
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the host has acknowledged the stop, without waiting for its drain to finish." };
        var timeout = ShortcutCommand.TimeoutOption(30_000, "How long to wait for the host to stop: its reply, its drain and the removal of its files.");
        var command = new Command("stop", "Stop the host gracefully (control.stop) and wait until it has drained its connections and removed its files.")
        {
            json, noWait, timeout,
        };
        location.AddTo(command);
        command.SetAction((parse, cancel) => RunAsync(location.Resolve(parse), parse.GetValue(json), parse.GetValue(noWait), Milliseconds.Of(parse, timeout), cancel));
        return command;
    }

    private static async Task<int> RunAsync(SocketTarget target, bool json, bool noWait, TimeSpan timeout, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var request = new IpcRequest(MessageTypes.ControlStop, null, IpcResponse.EmptyPayload);
        if (await ClientRequest.SendAsync(target, request, timeout, cancel).ConfigureAwait(false) is not { } reply)
        {
            return ExitCodes.Usage;
        }

        if (reply.Response.Ok && !noWait && !await StoppedAsync(target.Directory, timeout - clock.Elapsed, cancel).ConfigureAwait(false))
        {
            return ExitCodes.Fail(
                ExitCodes.Usage,
                $"the host serving {target.Directory} acknowledged control.stop but has not finished within {(long)timeout.TotalMilliseconds} ms " +
                $"(its {SocketDirectoryLock.FileName} is still there); a drain lasts up to its shutdown-drain-timeout");
        }

        return ReplyOutput.Print<StopPayload>(
            MessageTypes.ControlStop,
            reply.Response,
            json,
            _ => noWait
                ? $"stopping: the host serving {target.Directory} is draining its connections"
                : $"stopped: the host serving {target.Directory} has removed its sockets and lock file");
    }

    /// <summary>Waits until the lock file is gone; false if it is still there after <paramref name="within"/>.</summary>
    private static async Task<bool> StoppedAsync(string directory, TimeSpan within, CancellationToken cancel)
    {
        var lockFile = Path.Combine(directory, SocketDirectoryLock.FileName);
        var deadline = Stopwatch.StartNew();
        while (File.Exists(lockFile))
        {
            if (deadline.Elapsed >= within)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }

        return true;
    }
}
