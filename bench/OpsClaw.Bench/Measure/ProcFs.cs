using System.Globalization;
using System.Runtime.InteropServices;

namespace OpsClaw.Bench;

/// <summary>What /proc says about a server process: CPU time, resident memory, open descriptors.</summary>
internal static class ProcFs
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK

    private static readonly long TicksPerSecond = Math.Max(1, sysconf(ClockTicksName));

    /// <summary>User plus system time, from fields 14 and 15 of /proc/&lt;pid&gt;/stat.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) may hold spaces and parentheses; fields after it start past the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / TicksPerSecond);
    }

    /// <summary>VmRSS of /proc/&lt;pid&gt;/status, in KiB.</summary>
    public static long RssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    public static int OpenDescriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    /// <summary>The machine's 1-minute load average (first field of /proc/loadavg): how busy the shared machine was around a run; NaN where it cannot be read.</summary>
    public static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
