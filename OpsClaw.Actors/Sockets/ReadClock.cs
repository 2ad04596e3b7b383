using System.Diagnostics;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// When a read was taken, in the two clocks a request needs: the stopwatch for its latency figure and
/// the tick count for its deadline. Read once per read rather than once per line, since a pipelining
/// client's read holds dozens of lines that all arrived together.
/// </summary>
internal readonly record struct ReadClock(long Timestamp, long TickCount)
{
    public static ReadClock Now() => new(Stopwatch.GetTimestamp(), Environment.TickCount64);
}
