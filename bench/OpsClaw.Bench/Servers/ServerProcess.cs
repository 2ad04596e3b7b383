using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpsClaw.Bench;

/// <summary>
/// A server under test, running as a process of its own in a fresh temporary directory. Started and
/// waited for through its ready line; stopped by its pid with SIGTERM, and SIGKILL only if it does not exit.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int StderrLinesKept = 20;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _stderrTail;
    private bool _stopped;

    private ServerProcess(string name, Process process, string directory, string socketPath, ConcurrentQueue<string> stderrTail)
    {
        Name = name;
        _process = process;
        _directory = directory;
        SocketPath = socketPath;
        _stderrTail = stderrTail;
        Pid = process.Id;
        Probe = new ProcessProbe(Pid);
    }

    public string Name { get; }

    public string SocketPath { get; }

    public int Pid { get; }

    public static async Task<ServerProcess> StartAsync(ServerSpec spec)
    {
        var directory = Directory.CreateTempSubdirectory("opsclaw-bench-").FullName;
        var info = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments(directory))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {spec.FileName}");
        var stderrTail = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, line) => Keep(stderrTail, line.Data);
        process.BeginErrorReadLine();

        string? readyLine = null;
        try
        {
            using var timeout = new CancellationTokenSource(ReadyTimeout);

            // Bounded by the ready timeout and by the process's stdout closing.
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith(spec.ReadyPrefix, StringComparison.Ordinal))
                {
                    readyLine = line;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below with whatever it wrote to stderr.
        }

        var server = new ServerProcess(spec.Name, process, directory, readyLine is null ? "" : spec.SocketPathFromReadyLine(readyLine), stderrTail);
        if (readyLine is null)
        {
            await server.StopAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{spec.Name} never printed its ready line; stderr: {string.Join(" | ", stderrTail)}");
        }

        // Keep stdout drained so the server can never block on a full pipe.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        return server;
    }

    /// <summary>CPU, memory and descriptors of this server, read from /proc.</summary>
    public ProcessProbe Probe { get; }

    /// <summary>SIGTERM by pid and wait; SIGKILL if it has not exited in time. Returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            if (!_process.HasExited)
            {
                _ = kill(Pid, SigTerm);
                using var timeout = new CancellationTokenSource(ExitTimeout);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"bench: {Name} (pid {Pid}) ignored SIGTERM for {ExitTimeout.TotalSeconds} s; killing it");
                    _process.Kill();
                    await _process.WaitForExitAsync().ConfigureAwait(false);
                }
            }

            TryDeleteDirectory();
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    public string StderrTail() => string.Join(" | ", _stderrTail);

    private static void Keep(ConcurrentQueue<string> tail, string? line)
    {
        if (line is null)
        {
            return;
        }

        tail.Enqueue(line);
        while (tail.Count > StderrLinesKept && tail.TryDequeue(out _))
        {
        }
    }

    private void TryDeleteDirectory()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; the run goes on.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
