using System.Diagnostics;

namespace OpsClaw.Actors.Metrics;

/// <summary>
/// Counts repeats of one kind of event for a log that must not flood: the first occurrence is
/// reported in full, later ones are counted and reported as a count with the next occurrence once
/// an interval has passed since the last report. Not thread-safe; its owner serializes calls.
/// </summary>
internal sealed class RepeatTally
{
    private bool _reported;
    private long _lastReport;
    private long _repeats;

    /// <summary>Notes one occurrence; true when a log line is due.</summary>
    /// <param name="interval">Least time between two reports of repeats.</param>
    /// <param name="repeats">0 for the first occurrence (log it in full), else the occurrences since the last report, this one included.</param>
    public bool Note(TimeSpan interval, out long repeats)
    {
        var now = Stopwatch.GetTimestamp();
        repeats = 0;
        if (!_reported)
        {
            _reported = true;
            _lastReport = now;
            return true;
        }

        _repeats++;
        if (Stopwatch.GetElapsedTime(_lastReport, now) < interval)
        {
            return false;
        }

        repeats = _repeats;
        _repeats = 0;
        _lastReport = now;
        return true;
    }
}
