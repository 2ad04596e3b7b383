using Akka.Event;
using OpsClaw.Actors.Metrics;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Logs a listener's accept failures and its refusals for want of file descriptors: the first in
/// full, then one line with the counts, with the next one after <see cref="Interval"/> has passed,
/// so a connection flood against a host at its descriptor limit does not also flood the log.
/// </summary>
internal sealed class AcceptFailureLog(ILoggingAdapter log, string socketPath)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly RepeatTally _tally = new();
    private long _refused;

    /// <summary>A connection was accepted but refused because the host holds all the descriptors it may.</summary>
    public void RefusedForDescriptors() =>
        Failed("the host holds every connection its file descriptor limit allows", outOfDescriptors: true, refusedOne: true);

    /// <param name="detail">What failed, as the exception says it.</param>
    /// <param name="outOfDescriptors">accept() failed with EMFILE.</param>
    /// <param name="refusedOne">A pending connection was accepted through the spare descriptor and refused.</param>
    public void Failed(string detail, bool outOfDescriptors, bool refusedOne)
    {
        _refused += refusedOne ? 1 : 0;
        if (!_tally.Note(Interval, out var repeats))
        {
            return;
        }

        if (repeats == 0)
        {
            log.Warning(
                outOfDescriptors
                    ? "Out of file descriptors on {0} ({1}): connections are refused with 'overloaded' until some close"
                    : "Accepting on {0} failed ({1}); retrying",
                socketPath,
                detail);
        }
        else
        {
            log.Warning(
                "Accepting on {0}: {1} failures since the last report, {2} connections refused with 'overloaded' for want of file descriptors; last: {3}",
                socketPath,
                repeats,
                _refused,
                detail);
        }

        _refused = 0;
    }
}
