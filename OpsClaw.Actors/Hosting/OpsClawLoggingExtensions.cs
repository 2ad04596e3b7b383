using System.Globalization;
using Akka.Hosting;
using Akka.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpsClaw.Actors.Hosting;

/// <summary>Akka's logs, OpsClaw's included, through the host's Microsoft.Extensions.Logging.</summary>
public static class OpsClawLoggingExtensions
{
    /// <summary>
    /// Sends every Akka log event to the host's <see cref="ILoggerFactory"/>: each under the category of
    /// the class that logged it (e.g. <c>OpsClaw.Actors.Ipc.IpcRootActor</c>), with its message written
    /// once, its exception once, its named values as state and the actor's path as a scope. The host's
    /// logging rules (<c>Logging:LogLevel</c> in configuration, <c>Logging__LogLevel__*</c> in the
    /// environment, <c>AddFilter</c>) decide what is written; Akka itself is set to the lowest level any of
    /// them lets through, once, when the actor system starts. Nothing goes to stdout, not even in the
    /// actor system's first and last moments, when Akka's own logger would write there.
    /// </summary>
    /// <param name="builder">The actor system being configured.</param>
    /// <param name="services">The host's services, as <c>AddAkka(name, (akka, services) => ...)</c> passes them.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static AkkaConfigurationBuilder WithHostLogging(this AkkaConfigurationBuilder builder, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);

        var level = AkkaLevel(services.GetService<IOptions<LoggerFilterOptions>>()?.Value);
        var factory = services.GetRequiredService<ILoggerFactory>();
        builder.AddSetup(new LoggerFactorySetup(factory));

        // Before the actor system exists, so its first moments reach the host's logging too.
        HostStdoutLogger.Factory = factory;
        builder.ConfigureLoggers(loggers =>
        {
            loggers.ClearLoggers();
            loggers.AddLogger<HostLoggerActor>();
        });

        // After ConfigureLoggers, which writes akka.loglevel too but cannot say OFF.
        builder.AddHocon(
            string.Create(CultureInfo.InvariantCulture, $"""
                akka.loglevel = {level}
                akka.stdout-loglevel = {level}
                akka.stdout-logger-class = "{typeof(HostStdoutLogger).FullName}, {typeof(HostStdoutLogger).Assembly.GetName().Name}"
                """),
            HoconAddMode.Prepend);
        return builder;
    }

    /// <summary>
    /// Akka's level: the lowest any rule can let through. Akka's log adapters fix their level when
    /// made, so a lower level set later in configuration reaches Akka's events only after a restart.
    /// </summary>
    internal static string AkkaLevel(LoggerFilterOptions? options)
    {
        if (options is null)
        {
            return "INFO";
        }

        // A rule for every category and provider leaves MinLevel to no one.
        var lowest = options.Rules.Any(rule => rule.CategoryName is null && rule.ProviderName is null && rule.Filter is null)
            ? Microsoft.Extensions.Logging.LogLevel.None
            : options.MinLevel;
        foreach (var rule in options.Rules)
        {
            // A rule without a level lets every level through (to its filter, if it has one).
            var level = rule.LogLevel ?? Microsoft.Extensions.Logging.LogLevel.Trace;
            if (level < lowest)
            {
                lowest = level;
            }
        }

        return lowest switch
        {
            Microsoft.Extensions.Logging.LogLevel.Trace or Microsoft.Extensions.Logging.LogLevel.Debug => "DEBUG",
            Microsoft.Extensions.Logging.LogLevel.Information => "INFO",
            Microsoft.Extensions.Logging.LogLevel.Warning => "WARNING",
            Microsoft.Extensions.Logging.LogLevel.Error or Microsoft.Extensions.Logging.LogLevel.Critical => "ERROR",
            _ => "OFF",
        };
    }
}
