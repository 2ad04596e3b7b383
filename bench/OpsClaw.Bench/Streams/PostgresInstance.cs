using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace OpsClaw.Bench;

/// <summary>
/// A throwaway PostgreSQL server for opsclaw's PostgreSQL storage: <c>initdb</c> in a fresh
/// temporary directory, started with <c>pg_ctl</c> on a Unix socket in that directory only (no TCP),
/// every other setting its default (<c>fsync</c> and <c>synchronous_commit</c> on), as the
/// <c>postgres</c> user when the bench runs as root (the server refuses root). Stopped by the
/// postmaster's pid with SIGINT (a fast shutdown), SIGKILL if it does not go; the directory is removed.
/// </summary>
internal sealed class PostgresInstance : IAsyncDisposable
{
    public const string Database = "postgres";
    private const string User = "postgres";
    private const int Port = 5432;
    private const int SigInt = 2;
    private const int SigKill = 9;

    private static readonly string[] BinDirectories = ["/usr/local/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;

    private PostgresInstance(string directory, int pid, string version)
    {
        _directory = directory;
        Pid = pid;
        Version = version;
    }

    public int Pid { get; }

    public string Version { get; }

    /// <summary>The directory of its Unix socket, the <c>Host</c> of a connection string.</summary>
    public string SocketDirectory => _directory;

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host={_directory};Port={Port};Database={Database};Username={User}");

    /// <summary>Where initdb and pg_ctl are: /usr/local/bin, or Debian's /usr/lib/postgresql/&lt;version&gt;/bin; null when neither has them.</summary>
    public static string? LocateBin() => BinDirectories
        .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin")) : [])
        .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")));

    public static async Task<PostgresInstance> StartAsync(string bin)
    {
        var directory = Directory.CreateTempSubdirectory("opsclaw-bench-pg-").FullName;
        try
        {
            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                await RunAsync("chown", [User + ":", directory]).ConfigureAwait(false);
            }

            var data = Path.Combine(directory, "data");
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", User, "--auth=trust", "-E", "UTF8"], asRoot).ConfigureAwait(false);
            await RunAsync(
                Path.Combine(bin, "pg_ctl"),
                ["-D", data, "-w", "-l", Path.Combine(directory, "server.log"), "-o", $"-k {directory} -c listen_addresses= -p {Port}", "start"],
                asRoot).ConfigureAwait(false);
            var pid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            // "pg_ctl (PostgreSQL) 15.18 (Debian …)": the server's version is what follows the tool's name.
            var version = (await RunAsync(Path.Combine(bin, "pg_ctl"), ["--version"]).ConfigureAwait(false)).Trim().Replace("pg_ctl (PostgreSQL)", "PostgreSQL", StringComparison.Ordinal);
            return new PostgresInstance(directory, pid, version);
        }
        catch
        {
            StreamServers.TryDelete(directory);
            throw;
        }
    }

    /// <summary>CPU of the postmaster and all its processes: its own, what it reaped of exited children, and the live children's.</summary>
    public TimeSpan CpuTime()
    {
        var total = ProcFs.CpuTime(Pid) + ReapedChildrenCpu(Pid);
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Pid && ParentOf(pid) == Pid)
            {
                try
                {
                    total += ProcFs.CpuTime(pid);
                }
                catch (IOException)
                {
                    // It exited between the listing and the read; the postmaster counts it once reaped.
                }
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists($"/proc/{Pid}"))
        {
            _ = kill(Pid, SigInt);
            var waited = Stopwatch.StartNew();

            // Bounded by the exit timeout; then SIGKILL, after which the kernel removes it at once.
            while (Directory.Exists($"/proc/{Pid}") && waited.Elapsed < ExitTimeout)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }

            if (Directory.Exists($"/proc/{Pid}"))
            {
                Console.Error.WriteLine($"bench: postgres (pid {Pid}) ignored SIGINT for {ExitTimeout.TotalSeconds} s; killing it");
                _ = kill(Pid, SigKill);
                await Task.Delay(500).ConfigureAwait(false);
            }
        }

        StreamServers.TryDelete(_directory);
    }

    private static TimeSpan ReapedChildrenCpu(int pid)
    {
        // cutime and cstime, fields 16 and 17 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Runs a command to its end (as the postgres user when asked) and returns its stdout; throws with its output when it fails.</summary>
    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres = false)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", User, "--", fileName })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not finish in {CommandTimeout.TotalSeconds} s");
        }

        return process.ExitCode == 0
            ? await stdout.ConfigureAwait(false)
            : throw new InvalidOperationException($"{Path.GetFileName(fileName)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
