using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server in a fresh directory under /tmp, reachable only through its Unix
/// socket there (<c>listen_addresses=''</c>), with a database <see cref="Database"/> that user
/// <see cref="User"/> reaches without a password. Its cluster is run by a non-root user when the specs
/// run as root (PostgreSQL refuses root). Dispose stops it at once (<c>pg_ctl stop -m immediate</c>,
/// else SIGKILL of its postmaster by pid) and deletes the directory.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string Database = "opsclaw";
    public const string User = "opsclaw";

    private const int SigKill = 9;

    /// <summary>The bound on each PostgreSQL program the server is set up and stopped with.</summary>
    private static readonly TimeSpan ProgramBound = TimeSpan.FromSeconds(60);

    private readonly string _binaries;
    private readonly string? _runAs;
    private int? _postmasterPid;

    private PostgresServer(string binaries, string directory, string? runAs)
    {
        _binaries = binaries;
        Directory = directory;
        _runAs = runAs;
    }

    /// <summary>The server's directory: its socket is here, its cluster in <c>data</c> below.</summary>
    public string Directory { get; }

    private string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>The Npgsql connection string of <see cref="Database"/>, through the socket.</summary>
    public string ConnectionString => $"Host={Directory};Port=5432;Database={Database};Username={User}";

    /// <summary>Initialises a cluster, starts it and creates <see cref="Database"/>; stops it again when any step fails.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var binaries = PostgresBinaries.Directory ?? throw new InvalidOperationException(
            $"PostgreSQL is required ({PostgresFactAttribute.RequireVariable}={Environment.GetEnvironmentVariable(PostgresFactAttribute.RequireVariable)}) " +
            "but no pg_ctl and initdb were found on PATH or in /usr/lib/postgresql/*/bin");
        var directory = Path.Combine("/tmp", "ocpg-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        string? runAs = null;
        if (PosixFiles.IsRoot)
        {
            // initdb and postgres refuse to run as root; the cluster's owner must own its directory.
            var (name, uid, gid) = UnprivilegedUser();
            PosixFiles.SetOwner(directory, uid, gid);
            runAs = name;
        }

        var server = new PostgresServer(binaries, directory, runAs);
        try
        {
            await server.RunAsync("initdb", "-D", server.DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--no-sync");
            await server.RunAsync(
                "pg_ctl", "start", "-D", server.DataDirectory, "-w", "-t", "30", "-l", Path.Combine(directory, "server.log"),
                "-o", $"-c listen_addresses='' -c unix_socket_directories='{directory}' -c port=5432 -c fsync=off");
            server._postmasterPid = int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            await using var connection = new NpgsqlConnection($"Host={directory};Port=5432;Database=postgres;Username={User}");
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (_postmasterPid is { } pid && !StopImmediately())
            {
                _ = kill(pid, SigKill);
            }
        }
        finally
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A postmaster killed just now may still be removing its socket and pid files; /tmp is cleaned eventually.
            }
        }
    }

    private bool StopImmediately()
    {
        try
        {
            RunAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "10").GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs one of PostgreSQL's programs (as the cluster's owner); fails with its output when it fails.</summary>
    private async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(_runAs is null ? Path.Combine(_binaries, program) : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        if (_runAs is not null)
        {
            foreach (var arg in new[] { "-u", _runAs, "--", Path.Combine(_binaries, program) })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProgramBound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {ProgramBound.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    /// <summary>The user to run the cluster as when the specs run as root: <c>postgres</c> where it exists, else <c>nobody</c>.</summary>
    private static (string Name, uint Uid, uint Gid) UnprivilegedUser()
    {
        var users = File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .Where(fields => fields.Length >= 4)
            .ToDictionary(fields => fields[0], fields => (uint.Parse(fields[2], CultureInfo.InvariantCulture), uint.Parse(fields[3], CultureInfo.InvariantCulture)));
        foreach (var name in new[] { "postgres", "nobody" })
        {
            if (users.TryGetValue(name, out var ids))
            {
                return (name, ids.Item1, ids.Item2);
            }
        }

        throw new InvalidOperationException("running as root, and neither user postgres nor nobody exists to run PostgreSQL as");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
