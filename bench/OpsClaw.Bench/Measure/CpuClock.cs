using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary>CPU time of the generator itself, so a run can show it was not the bottleneck.</summary>
internal static class CpuClock
{
    public static TimeSpan Generator()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
