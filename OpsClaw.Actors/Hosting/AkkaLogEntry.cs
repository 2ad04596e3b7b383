using System.Collections;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// One of Akka's log events as a Microsoft.Extensions.Logging entry: under the category of the class
/// that logged it (an actor's own type, as <c>ILogger&lt;T&gt;</c> would name it), the message
/// formatted once and nothing else in its text, the exception passed once for the formatter to print,
/// the template's named values as the entry's state (what a JSON formatter writes), and the log source
/// (an actor's path) as a scope.
/// </summary>
internal static class AkkaLogEntry
{
    /// <summary>
    /// The events already written. Akka hands the same event to every logger subscribed, and in the actor
    /// system's first and last moments both <see cref="HostLoggerActor"/> and <see cref="HostStdoutLogger"/>
    /// are; held weakly, so an entry lives as long as its event.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LogEvent, object> Written = [];

    /// <summary>The category of <paramref name="log"/>: its class, or its source when it was logged under a string.</summary>
    public static string CategoryOf(LogEvent log) =>
        log.LogClass is { } type && type != typeof(DummyClassForStringSources) ? NameOf(type) : log.LogSource ?? "Akka";

    public static Microsoft.Extensions.Logging.LogLevel LevelOf(LogEvent log) => log.LogLevel() switch
    {
        AkkaLogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        AkkaLogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        AkkaLogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };

    /// <summary>Writes <paramref name="log"/> to <paramref name="logger"/>, which should be its category's.</summary>
    public static void Write(ILogger logger, LogEvent log)
    {
        var level = LevelOf(log);
        if (!logger.IsEnabled(level) || !Written.TryAdd(log, Written))
        {
            return;
        }

        var state = new State(log);
        using (logger.BeginScope(new Source(log.LogSource)))
        {
            logger.Log(level, default, state, log.Cause, static (entry, _) => entry.Text);
        }
    }

    /// <summary>
    /// The type's name as .NET names an <c>ILogger&lt;T&gt;</c> category: namespace and name, nested types
    /// joined with '.', generic arguments left out.
    /// </summary>
    private static string NameOf(Type type)
    {
        var name = (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName ?? type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]).Replace('+', '.');
    }

    /// <summary>The message text and its named values.</summary>
    private sealed class State : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _values = [];

        public State(LogEvent log)
        {
            Text = Format(log.Message);
            if (log.TryGetProperties(out var properties) && properties is not null)
            {
                foreach (var (name, value) in properties)
                {
                    _values.Add(KeyValuePair.Create<string, object?>(name, value));
                }
            }

            // The key Microsoft.Extensions.Logging's own entries carry their template under.
            _values.Add(KeyValuePair.Create<string, object?>("{OriginalFormat}", log.Message is LogMessage message ? message.Format : Text));
        }

        public string Text { get; }

        public int Count => _values.Count;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Text;

        private static string Format(object? message)
        {
            try
            {
                return message?.ToString() ?? string.Empty;
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
            {
                // A bad template must not lose the entry: say what it was instead.
                return message is LogMessage template
                    ? $"(unformattable log message: {ex.Message}) {template.Format} [{template.Unformatted()}]"
                    : $"(unformattable log message: {ex.Message})";
            }
        }
    }

    /// <summary>Where the entry came from (an actor's path); a formatter that shows scopes prints it.</summary>
    private sealed class Source(string? logSource) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?> _value = KeyValuePair.Create<string, object?>("LogSource", logSource);

        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? _value : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return _value;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => logSource ?? string.Empty;
    }
}
