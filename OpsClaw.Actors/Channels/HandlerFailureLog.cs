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

    /// <summary>Records a failure of <paramref name="source"/> (e.g. "Handler for 'echo.say'") on <paramref name="channel"/>; thread-safe.</summary>
    public void Failed(ILoggingAdapter log, string channel, string source, Exception exception)
    {
        (string Channel, string Source, Type Exception) kind = (channel, source, exception.GetType());
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

        if (repeats == 0)
        {
            log.Warning(
                exception,
                "{0} on channel '{1}' failed; later {2} failures of it are counted and logged once per {3} s",
                kind.Source,
                channel,
                exception.GetType().Name,
                Interval.TotalSeconds);
            return;
        }

        log.Warning(
            "{0} on channel '{1}' failed {2} more times with {3} (last: {4}) since it was last logged",
            kind.Source,
            channel,
            repeats,
            kind.Exception.Name,
            exception.Message);
    }
}

internal sealed class HandlerFailureLogProvider : ExtensionIdProvider<HandlerFailureLog>
{
    public override HandlerFailureLog CreateExtension(ExtendedActorSystem system) => new();
}
