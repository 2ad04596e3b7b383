using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary>Reads a server's CPU, memory and descriptors by pid, whether or not this run started it.</summary>
internal sealed class ProcessProbe(int pid)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public int Pid { get; } = pid;

    public TimeSpan CpuTime() => ProcFs.CpuTime(Pid);

    public long RssKiB() => ProcFs.RssKiB(Pid);

    public int OpenDescriptors() => ProcFs.OpenDescriptors(Pid);

    /// <summary>RSS once it stops moving (two polls within 1% of each other), or after three seconds.</summary>
    public async Task<long> SettledRssKiBAsync()
    {
        var previous = RssKiB();
        for (var poll = 0; poll < 30; poll++)
        {
            await Task.Delay(PollInterval).ConfigureAwait(false);
            var current = RssKiB();
            if (Math.Abs(current - previous) <= previous / 100)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    /// <summary>Waits until the server has let go of closed clients, so the next scenario starts from the same state.</summary>
    public async Task<bool> WaitForDescriptorsAsync(int atMost, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (OpenDescriptors() > atMost)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        return true;
    }
}
