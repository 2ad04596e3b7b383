using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// Proof of life for a supervisor's watchdog (systemd's <c>WatchdogSec=</c>): every interval, the IPC
/// root is asked what <c>control.status</c> asks it, and only an answer counts. A host whose actors no
/// longer run (a dispatcher starved or deadlocked, the root stuck) stops answering, so the supervisor
/// stops hearing from it and restarts it, where a bare timer would have kept vouching for it.
/// </summary>
internal static class IpcWatchdog
{
    /// <summary>
    /// Asks at once and then every <paramref name="interval"/> until <paramref name="stop"/>;
    /// <paramref name="alive"/> runs for each answer within half the interval, <paramref name="missed"/>
    /// (given that limit) for each question left unanswered. Half, so that even an answer that came
    /// at the limit is reported well inside the supervisor's timeout of twice the interval.
    /// </summary>
    /// <returns>A task that ends, without throwing, once <paramref name="stop"/> is cancelled.</returns>
    public static async Task RunAsync(IActorRef root, TimeSpan interval, Action alive, Action<TimeSpan> missed, CancellationToken stop)
    {
        var answerWithin = interval / 2;
        using var ticks = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await root.Ask<StatusReport>(IpcIntrospection.GetStatus.Instance, answerWithin, stop).ConfigureAwait(false);
                    alive();
                }
                catch (AskTimeoutException)
                {
                    missed(answerWithin);
                }
            }
            while (await ticks.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the supervisor was told STOPPING=1 and no longer expects pings.
        }
    }
}
