using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// Akka's logger (<c>akka.loggers</c>) that hands every log event to the host's <see cref="ILoggerFactory"/>
/// through <see cref="AkkaLogEntry"/>; installed by <see cref="OpsClawLoggingExtensions.WithHostLogging"/>.
/// Akka.Hosting's own <c>LoggerFactoryLogger</c> writes every event under one category with Akka's
/// whole line (level, date, thread, source) as its message and the exception in it a second time.
/// </summary>
internal sealed class HostLoggerActor : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public HostLoggerActor()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        if (!setup.HasValue)
        {
            throw new ConfigurationException("OpsClaw's host logging needs Akka.Hosting's LoggerFactorySetup; use WithHostLogging inside AddAkka");
        }

        _factory = setup.Value.LoggerFactory;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent log:
                AkkaLogEntry.Write(LoggerOf(AkkaLogEntry.CategoryOf(log)), log);
                return true;
            default:
                return false;
        }
    }

    private ILogger LoggerOf(string category)
    {
        if (!_loggers.TryGetValue(category, out var logger))
        {
            logger = _factory.CreateLogger(category);
            _loggers[category] = logger;
        }

        return logger;
    }
}
