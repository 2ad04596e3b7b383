using System.Globalization;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>Another process's memory as the kernel reports it, for specs that measure the host from outside.</summary>
public static class ProcessMemory
{
    public const long MiB = 1024 * 1024;

    /// <summary>Resident set size (<c>VmRSS</c> in <c>/proc/&lt;pid&gt;/status</c>), in bytes.</summary>
    public static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// Polls the RSS of <paramref name="pid"/> until it is at most <paramref name="target"/> or
    /// <paramref name="wait"/> is up; returns the last figure read.
    /// </summary>
    public static async Task<long> WaitForRssAtMostAsync(int pid, long target, TimeSpan wait)
    {
        var until = DateTime.UtcNow + wait;
        var rss = RssBytes(pid);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (rss > target && DateTime.UtcNow < until && await tick.WaitForNextTickAsync())
        {
            rss = RssBytes(pid);
        }

        return rss;
    }
}
