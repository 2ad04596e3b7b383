using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Host;

/// <summary>
/// systemd's service watchdog (<c>WatchdogSec=</c> in the unit): the supervisor sets
/// <c>WATCHDOG_USEC</c> (and <c>WATCHDOG_PID</c>) and kills the service, to be restarted, when no
/// <c>WATCHDOG=1</c> reaches <c>$NOTIFY_SOCKET</c> for that long. The host pings at half that period,
/// as sd_watchdog_enabled(3) advises, and only after the IPC root has answered (<see cref="IpcWatchdog"/>).
/// </summary>
internal static class SystemdWatchdog
{
    /// <summary>Half of <c>WATCHDOG_USEC</c>; null when no watchdog is asked of this process.</summary>
    /// <exception cref="ConfigurationException">a variable is set but is not a number.</exception>
    public static TimeSpan? PingInterval()
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (string.IsNullOrEmpty(usec) || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            return null;
        }

        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds < 2)
        {
            throw new ConfigurationException($"WATCHDOG_USEC={usec} is not a watchdog timeout in microseconds (a whole number above 1)");
        }

        if (!string.IsNullOrEmpty(pid))
        {
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var forPid))
            {
                throw new ConfigurationException($"WATCHDOG_PID={pid} is not a process id");
            }

            // The variables were inherited from a watched parent: its watchdog is not this process's to feed.
            if (forPid != Environment.ProcessId)
            {
                return null;
            }
        }

        return TimeSpan.FromMicroseconds(microseconds / 2);
    }

    /// <summary>Pings until <paramref name="stop"/> (the host's ApplicationStopping), then ends.</summary>
    public static Task RunAsync(ActorSystem system, TimeSpan interval, ILogger log, CancellationToken stop)
    {
        var root = OpsClawIpc.Get(system).Root ?? throw new InvalidOperationException("the IPC subsystem is not started");
        return IpcWatchdog.RunAsync(
            root,
            interval,
            () => ReadinessNotifier.Send("WATCHDOG=1"),
            limit => log.LogWarning("The IPC root did not answer within {Limit} ms; no watchdog ping this time (systemd restarts the host if this goes on)", (long)limit.TotalMilliseconds),
            stop);
    }
}
