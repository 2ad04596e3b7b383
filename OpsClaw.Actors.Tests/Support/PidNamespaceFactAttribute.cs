using System.Diagnostics;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A spec that runs the host as pid 1 of a new pid namespace (<c>unshare --pid</c>), which needs root
/// and a kernel or container that allows it. Where a trial <c>unshare</c> fails, the spec is reported
/// as skipped with the reason, never passed silently; CI runs as root, where it runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PidNamespaceFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public PidNamespaceFactAttribute()
    {
        if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? FindMissing()
    {
        if (!PosixFiles.IsRoot || !File.Exists("/usr/bin/unshare"))
        {
            return "needs root and /usr/bin/unshare to start a pid namespace (CI runs as root)";
        }

        using var trial = Process.Start(new ProcessStartInfo("/usr/bin/unshare", ["--pid", "--fork", "/bin/true"]) { RedirectStandardError = true })!;
        if (!trial.WaitForExit(10_000))
        {
            trial.Kill(entireProcessTree: true);
            return "unshare --pid did not finish within 10 s";
        }

        return trial.ExitCode == 0 ? null : $"unshare --pid failed here ({trial.StandardError.ReadToEnd().Trim()})";
    }
}
