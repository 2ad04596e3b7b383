using System.Diagnostics;
using System.Runtime;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Gives memory back to the OS once a burst of buffering has passed. Freed line and reply buffers are
/// garbage the GC only collects when something allocates, and a host whose clients have left
/// allocates next to nothing, so the heap a burst grew would stay resident indefinitely. One blocking,
/// compacting, aggressive collection (large object heap included) collects it and decommits the
/// freed memory. At most one runs per <see cref="MinInterval"/>, so clients that make the host buffer
/// and then leave, over and over, cannot make it spend its time collecting.
/// </summary>
internal sealed class MemoryReclaimer
{
    /// <summary>Lets the rest of a crowd of leaving clients go too, so one collection finds all of their buffers.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);

    /// <summary>Stopwatch timestamp of the last collection; 0 before the first.</summary>
    private long _lastRun;
    private int _scheduled;

    /// <summary>Asks for a collection; one already scheduled covers this request.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }

        var lastRun = Interlocked.Read(ref _lastRun);
        var sinceLast = lastRun == 0 ? MinInterval : Stopwatch.GetElapsedTime(lastRun);
        var wait = TimeSpan.FromTicks(Math.Max(SettleTime.Ticks, (MinInterval - sinceLast).Ticks));
        _ = Task.Delay(wait).ContinueWith(_ => Run(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Run()
    {
        try
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        finally
        {
            Interlocked.Exchange(ref _lastRun, Stopwatch.GetTimestamp());
            Volatile.Write(ref _scheduled, 0);
        }
    }
}
