using Microsoft.Extensions.Logging;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>A Microsoft.Extensions.Logging provider that keeps every entry, for specs of what a host logs.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One entry: its category, level, text, exception and named values.</summary>
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values);

    private sealed class Collector(CollectingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.First().Value)
                : [];
            lock (provider._entries)
            {
                provider._entries.Add(new Entry(category, logLevel, formatter(state, exception), exception, values));
            }
        }
    }
}
