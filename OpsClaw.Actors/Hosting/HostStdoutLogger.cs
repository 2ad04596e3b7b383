using Akka.Event;
using Microsoft.Extensions.Logging;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// Akka's "stdout logger" (<c>akka.stdout-logger-class</c>), which takes the events published while
/// no logger runs (the actor system's first and last moments). Akka's own writes them to stdout in
/// its own format, where a host's stdout may be reserved (the ready line); this one hands them to the
/// host's logging like every other event, or to stderr before any host logging has started.
/// </summary>
/// <remarks>
/// Akka makes this class with no arguments, so it cannot know its actor system: it uses the logger
/// factory of the last <see cref="HostLoggerActor"/> started in the process (one host per process in
/// practice; a second one's first and last moments would go to the first one's logging).
/// </remarks>
internal sealed class HostStdoutLogger : MinimalLogger
{
    private static volatile ILoggerFactory? _factory;

    internal static ILoggerFactory? Factory
    {
        get => _factory;
        set => _factory = value;
    }

    /// <summary>Writes <paramref name="message"/> to the host's logging, else one line on stderr.</summary>
    /// <param name="message">A log event.</param>
    protected override void Log(object message)
    {
        if (message is not LogEvent log)
        {
            return;
        }

        if (_factory is { } factory)
        {
            try
            {
                AkkaLogEntry.Write(factory.CreateLogger(AkkaLogEntry.CategoryOf(log)), log);
                return;
            }
            catch (ObjectDisposedException)
            {
                // That host's logging is gone (it stopped): stderr still works.
            }
        }

        Console.Error.WriteLine($"{AkkaLogEntry.LevelOf(log)}: {AkkaLogEntry.CategoryOf(log)}: {log.Message}{(log.Cause is null ? string.Empty : Environment.NewLine + log.Cause)}");
    }
}
