using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Metrics;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Logs handler failures without letting a client flood the log: the first failure of each
/// (channel, message type, exception type) is logged in full with its stack trace, later ones are
/// counted and reported in one line, with the next failure after <see cref="Interval"/> has passed
/// since the last report (<see cref="RepeatTally"/>). A client sending twenty thousand crashing
/// requests would otherwise write tens of megabytes of stack traces.
/// </summary>
internal sealed class HandlerFailureLog : IExtension
{
    /// <summary>Most often a repeated failure is reported; ten seconds unless a spec shortens it.</summary>
    public TimeSpan Interval { get; internal set; } = TimeSpan.FromSeconds(10);

    /// <summary>Kinds tracked at once; past this a new kind is only counted in a catch-all line, so memory stays bounded.</summary>
    private const int MaxKinds = 1024;

    private readonly object _gate = new();
    private readonly Dictionary<(string Channel, string Source, Type Exception), RepeatTally> _tallies = [];

    public static HandlerFailureLog Get(ActorSystem system) => system.WithExtension<HandlerFailureLog, HandlerFailureLogProvider>();

    /// <summary>
    /// Records a failure of <paramref name="handler"/> ("Handler", or "Handler actor 'tally'") on
    /// <paramref name="channel"/> while it handled a request of <paramref name="messageType"/> with
    /// <paramref name="runId"/> (both null when unknown); thread-safe. The entry names all four as
    /// values (Handler, MessageType, Channel, RunId), so a structured log can be searched by them.
    /// </summary>
    public void Failed(ILoggingAdapter log, string channel, string handler, string? messageType, string? runId, Exception exception)
    {
        (string Channel, string Source, Type Exception) kind = (channel, handler + "/" + messageType, exception.GetType());
        long repeats;
        lock (_gate)
        {
            if (!_tallies.TryGetValue(kind, out var tally))
            {
                if (_tallies.Count >= MaxKinds)
                {
                    kind = (channel, "*", typeof(Exception));
                }

                tally = _tallies.TryGetValue(kind, out var catchAll) ? catchAll : _tallies[kind] = new RepeatTally();
            }

            if (!tally.Note(Interval, out repeats))
            {
                return;
            }
        }

        // The catch-all kind stands for many handlers and message types: the last one is named as the failing one.
        var what = messageType is null ? "{Handler} on channel '{Channel}'" : "{Handler} for '{MessageType}' on channel '{Channel}'";
        object[] names = messageType is null ? [handler, channel] : [handler, messageType, channel];
        if (repeats == 0)
        {
            object[] first = [.. names, runId ?? "null", exception.GetType().Name, Interval.TotalSeconds];
            log.Warning(
                exception,
                what + " failed (run_id {RunId}); later {ExceptionType} failures of it are counted and logged once per {IntervalSeconds} s",
                first);
            return;
        }

        object[] summary = [.. names, repeats, kind.Exception.Name, exception.Message, runId ?? "null"];
        log.Warning(
            what + " failed {Repeats} more times with {ExceptionType} (last: {LastError}, run_id {RunId}) since it was last logged",
            summary);
    }
}

internal sealed class HandlerFailureLogProvider : ExtensionIdProvider<HandlerFailureLog>
{
    public override HandlerFailureLog CreateExtension(ExtendedActorSystem system) => new();
}
