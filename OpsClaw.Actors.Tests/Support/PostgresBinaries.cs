namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Where PostgreSQL's server programs (<c>initdb</c>, <c>pg_ctl</c>) are: on PATH (a link there is
/// followed to its real directory), else the newest <c>/usr/lib/postgresql/*/bin</c>, where Debian
/// installs them without putting them on PATH.
/// </summary>
public static class PostgresBinaries
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The directory holding both programs, or null when there is none.</summary>
    public static string? Directory => Found.Value;

    private static string? Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "pg_ctl"))
            .Where(File.Exists)
            .Select(pgCtl => Path.GetDirectoryName(File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl)!);
        var debian = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? new DirectoryInfo("/usr/lib/postgresql").GetDirectories()
                .OrderByDescending(version => int.TryParse(version.Name, out var major) ? major : 0)
                .Select(version => Path.Combine(version.FullName, "bin"))
            : [];
        return onPath.Concat(debian).FirstOrDefault(directory => File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")));
    }
}
