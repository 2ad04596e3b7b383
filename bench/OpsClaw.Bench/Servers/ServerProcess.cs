using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpsClaw.Bench;

/// <summary>
/// A server under test, running as a process of its own in a fresh temporary directory. Started and
/// waited for through its ready line; stopped by its pid with SIGTERM (SIGINT for a server that exits non-zero on SIGTERM), and SIGKILL only if it does not exit.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int StderrLinesKept = 20;
    private const int SigKill = 9;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _stderrTail;
    private readonly int _stopSignal;
    private bool _stopped;

    private ServerProcess(ServerSpec spec, Process process, string directory, string socketPath, string readyLine, ConcurrentQueue<string> stderrTail)
    {
        ReadyLine = readyLine;
        Name = spec.Name;
        _stopSignal = spec.StopSignal;
        _process = process;
        _directory = directory;
        SocketPath = socketPath;
        _stderrTail = stderrTail;
        Pid = process.Id;
        Probe = new ProcessProbe(Pid);
    }

    public string Name { get; }

    /// <summary>Where it listens: a Unix socket path, or <c>host:port</c> for a TCP server.</summary>
    public string SocketPath { get; }

    public int Pid { get; }

    /// <summary>The line that said it was ready, for what else it names (opsclaw's control socket).</summary>
    public string ReadyLine { get; }

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

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {spec.FileName}");
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }

        var stderrTail = new ConcurrentQueue<string>();
        var readyOnStderr = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, line) =>
        {
            Keep(stderrTail, line.Data);
            if (line.Data is null)
            {
                readyOnStderr.TrySetCanceled();
            }
            else if (spec.ReadyOn == ReadyStream.Stderr && spec.IsReadyLine(line.Data))
            {
                readyOnStderr.TrySetResult(line.Data);
            }
        };
        process.BeginErrorReadLine();
        if (spec.ReadyOn == ReadyStream.Stderr)
        {
            DrainStdout(process);
        }

        string? readyLine = null;
        try
        {
            using var timeout = new CancellationTokenSource(ReadyTimeout);
            readyLine = spec.ReadyOn == ReadyStream.Stdout
                ? await ReadyLineOnStdoutAsync(process, spec, timeout.Token).ConfigureAwait(false)
                : await readyOnStderr.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Reported below with whatever it wrote to stderr.
        }

        if (spec.ReadyOn == ReadyStream.Stdout)
        {
            DrainStdout(process);
        }

        var server = new ServerProcess(spec, process, directory, readyLine is null ? "" : spec.AddressOf(directory, readyLine), readyLine ?? "", stderrTail);
        if (readyLine is null)
        {
            await server.StopAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{spec.Name} never printed its ready line; stderr: {string.Join(" | ", stderrTail)}");
        }

        return server;
    }

    /// <summary>Keeps stdout drained so the server can never block on a full pipe (stderr is read by its handler).</summary>
    private static void DrainStdout(Process process) => _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);

    private static async Task<string?> ReadyLineOnStdoutAsync(Process process, ServerSpec spec, CancellationToken timeout)
    {
        // Bounded by the ready timeout and by the process's stdout closing.
        while (await process.StandardOutput.ReadLineAsync(timeout).ConfigureAwait(false) is { } line)
        {
            if (spec.IsReadyLine(line))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>CPU, memory and descriptors of this server, read from /proc.</summary>
    public ProcessProbe Probe { get; }

    /// <summary>Its stop signal (SIGTERM unless its spec says otherwise) by pid and wait; SIGKILL if it has not exited in time. Returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            if (!_process.HasExited)
            {
                _ = kill(Pid, _stopSignal);
                using var timeout = new CancellationTokenSource(ExitTimeout);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"bench: {Name} (pid {Pid}) ignored signal {_stopSignal} for {ExitTimeout.TotalSeconds} s; killing it");
                    _process.Kill();
                    await _process.WaitForExitAsync().ConfigureAwait(false);
                }
            }

            TryDeleteDirectory();
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL by pid, as a crash would end it, and wait; its directory is removed as after a stop. Returns the exit code.</summary>
    public async Task<int> KillAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            if (!_process.HasExited)
            {
                _ = kill(Pid, SigKill);
                await _process.WaitForExitAsync().ConfigureAwait(false);
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
