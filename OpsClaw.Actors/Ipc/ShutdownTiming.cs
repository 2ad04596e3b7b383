using Akka.Actor;
using Akka.Configuration;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// Every wait of the IPC shutdown, derived from <c>shutdown-drain-timeout</c> in one place. Each waiter
/// allows a little more than the one it waits for, so the inner deadline always decides: listeners
/// close what is left at the drain timeout, the root waits for them a second longer, and the
/// CoordinatedShutdown task waits for the root a second longer still.
/// </summary>
internal sealed class ShutdownTiming(TimeSpan drain)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>Listeners answer an unbind at once; this only bounds one that cannot.</summary>
    public static TimeSpan UnbindWithin { get; } = TimeSpan.FromSeconds(4);

    /// <summary>How long the root waits for the listeners to tell it they drained.</summary>
    public TimeSpan ListenersDrainedWithin => drain + Margin;

    /// <summary>How long the CoordinatedShutdown task waits for the root.</summary>
    public TimeSpan RootDrainedWithin => ListenersDrainedWithin + Margin;

    /// <summary>
    /// What is wrong with the CoordinatedShutdown phase timeouts in <paramref name="config"/> for these waits, or null: a phase
    /// shorter than its task's wait would be cut short, ending the drain before shutdown-drain-timeout.
    /// </summary>
    public string? ProblemWith(Config config) =>
        Shorter(config, CoordinatedShutdown.PhaseServiceUnbind, UnbindWithin, "the socket unbind")
        ?? Shorter(config, CoordinatedShutdown.PhaseServiceRequestsDone, RootDrainedWithin, $"opsclaw.ipc.shutdown-drain-timeout = {Seconds(drain)}");

    /// <summary>A phase without a timeout of its own has CoordinatedShutdown's default-phase-timeout.</summary>
    private static string? Shorter(Config config, string phase, TimeSpan needed, string what)
    {
        var (fallback, fallbackProblem) = Duration(config, "akka.coordinated-shutdown.default-phase-timeout");
        var (own, problem) = Duration(config, $"akka.coordinated-shutdown.phases.{phase}.timeout");
        if ((problem ?? fallbackProblem) is { } unreadable)
        {
            return unreadable;
        }

        var timeout = own ?? fallback ?? TimeSpan.FromSeconds(5);
        return timeout < needed
            ? $"akka.coordinated-shutdown.phases.{phase}.timeout = {Seconds(timeout)} would cut {what} short: set it to at least {Seconds(needed)}"
            : null;
    }

    /// <summary>
    /// The duration at <paramref name="key"/> (null when it is not set), read with the settings' own
    /// strict syntax: Akka's getter would throw a bare FormatException at the actor system's start.
    /// </summary>
    private static (TimeSpan? Value, string? Problem) Duration(Config config, string key)
    {
        if (!config.HasPath(key))
        {
            return (null, null);
        }

        var text = config.GetString(key);
        return text is not null && SettingValues.TryDuration(text, out var duration)
            ? (duration, null)
            : (null, $"{key} = {SettingValues.Show(text ?? "")}: must be a duration such as 30s");
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.###}s";
}
