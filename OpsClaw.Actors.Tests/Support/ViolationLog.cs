using System.Collections.Concurrent;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>Broken promises a crash spec found, collected from several tasks and reported together.</summary>
public sealed class ViolationLog
{
    private readonly ConcurrentQueue<string> _found = new();

    public bool Any => !_found.IsEmpty;

    public void Add(string violation) => _found.Enqueue(violation);

    /// <summary>The first <paramref name="limit"/> of them, one a line, and how many more there are.</summary>
    public string Describe(int limit = 25)
    {
        var all = _found.ToArray();
        var shown = string.Join('\n', all.Take(limit));
        return all.Length > limit ? $"{shown}\n… and {all.Length - limit} more" : shown;
    }
}
