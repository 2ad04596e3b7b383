using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Newtonsoft.Json;

namespace OpsClaw.Host;

/// <summary>
/// How <c>serve-sockets</c> logs: through Microsoft.Extensions.Logging to stderr only (stdout carries
/// the ready line alone), levels from <c>Logging:LogLevel</c> as in any .NET host (here the
/// environment, <c>Logging__LogLevel__&lt;category&gt;</c>) with <c>--log-level</c> over the default,
/// in the simple or the JSON console format. Akka's events reach it through <c>WithHostLogging</c>.
/// </summary>
internal sealed class ServeLogging
{
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    private static readonly string[] Levels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    private ServeLogging(string? level, string? format)
    {
        Level = level;
        Format = format;
    }

    /// <summary>The <c>Logging:LogLevel:Default</c> the command line asks for; null leaves it to the environment, else warning.</summary>
    public string? Level { get; }

    /// <summary>simple or json; null keeps the console's own choice (simple, or systemd's under systemd).</summary>
    public string? Format { get; }

    private bool Json => Format == "json";

    public static (Option<string?> Level, Option<string?> Format, Option<bool> Verbose) CreateOptions()
    {
        var level = new Option<string?>("--log-level")
        {
            Description = "Lowest level logged: trace, debug, information, warning, error, critical or none (default warning; " +
                "Logging__LogLevel__<category> in the environment sets it per category).",
        };
        level.AcceptOnlyFromAmong(Levels);
        level.HelpName = "level";
        var format = new Option<string?>("--log-format") { Description = "Log line format on stderr: simple (one line per entry) or json (one JSON object per line)." };
        format.AcceptOnlyFromAmong("simple", "json");
        format.HelpName = "simple|json";
        var verbose = new Option<bool>("--verbose") { Description = "Same as --log-level debug." };
        return (level, format, verbose);
    }

    public static ServeLogging From(string? level, string? format, bool verbose) => new(level ?? (verbose ? "debug" : null), format);

    /// <summary>Sets up <paramref name="builder"/>'s configuration and logging.</summary>
    public void Configure(HostApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",

            // A refused start is told in one stderr line by this command; the generic host's own report of it
            // ("Hosting failed to start") would say it again. Logging__LogLevel__Microsoft.Extensions.Hosting brings it back.
            ["Logging:LogLevel:Microsoft.Extensions.Hosting"] = "None",
        });
        builder.Configuration.AddEnvironmentVariables();
        if (Level is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = Level });
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole(console =>
        {
            // stdout carries only the ready line and command output: every entry goes to stderr.
            console.LogToStandardErrorThreshold = LogLevel.Trace;

            // Named even when it is the default: without a name the console logger copies its own old
            // options over the formatter's. Under systemd, AddSystemd names its formatter after this.
            console.FormatterName ??= ConsoleFormatterNames.Simple;
        });
        if (Format is not null)
        {
            // Asked for on the command line, so over systemd's choice too.
            builder.Services.PostConfigure<ConsoleLoggerOptions>(console =>
                console.FormatterName = Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        }

        builder.Services.Configure<SimpleConsoleFormatterOptions>(simple =>
        {
            simple.SingleLine = true;
            simple.IncludeScopes = true;
            simple.UseUtcTimestamp = true;
            simple.TimestampFormat = TimestampFormat;
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = TimestampFormat.TrimEnd();
        });
    }

    /// <summary>
    /// One line of the command's own on stderr (not a log entry: no level hides it), in the log format:
    /// <c>opsclaw: message</c>, or with --log-format json an object as the JSON console writes.
    /// </summary>
    public void Say(LogLevel level, string message)
    {
        if (!Json)
        {
            Console.Error.WriteLine($"opsclaw: {message}");
            return;
        }

        using var text = new StringWriter();
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            json.WriteStartObject();
            json.WritePropertyName("Timestamp");
            json.WriteValue(DateTime.UtcNow.ToString(TimestampFormat.TrimEnd(), System.Globalization.CultureInfo.InvariantCulture));
            json.WritePropertyName("EventId");
            json.WriteValue(0);
            json.WritePropertyName("LogLevel");
            json.WriteValue(level.ToString());
            json.WritePropertyName("Category");
            json.WriteValue("opsclaw");
            json.WritePropertyName("Message");
            json.WriteValue(message);
            json.WriteEndObject();
        }

        Console.Error.WriteLine(text.ToString());
    }

    /// <summary><see cref="Say"/> at error level, returning <paramref name="exitCode"/>: every non-zero exit says why in one line.</summary>
    public int Fail(int exitCode, string message)
    {
        Say(LogLevel.Error, message);
        return exitCode;
    }
}
