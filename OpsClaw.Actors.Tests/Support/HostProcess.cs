using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// The built <c>opsclaw</c> executable (or the sample host) run as a child process; killed by pid on
/// dispose if still running.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stdout = [];
    private readonly List<TimeSpan> _stdoutTimes = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<string> _stderr = [];
    private readonly SemaphoreSlim _outputGrew = new(0);

    private HostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException("the host closed stdout before its ready line; stderr: " + Stderr));
                return;
            }

            lock (_stdout)
            {
                _stdout.Add(e.Data);
                _stdoutTimes.Add(_clock.Elapsed);
            }

            _outputGrew.Release();

            if (e.Data.StartsWith("opsclaw ipc ready ", StringComparison.Ordinal))
            {
                _ready.TrySetResult(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }

                _outputGrew.Release();
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return string.Join('\n', _stdout);
            }
        }
    }

    /// <summary>Stdout lines so far, each with when it arrived (from the start of this process).</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> StdoutLines
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdoutTimes.Zip(_stdout)];
            }
        }
    }

    /// <summary>The opsclaw executable of the same build configuration as these tests.</summary>
    public static string ExecutablePath { get; } = FindExecutable("OpsClaw.Host", "opsclaw");

    /// <summary>
    /// The sample host of docs/extending.md (<c>OpsClaw.Samples &lt;socket-dir&gt; [&lt;settings.conf&gt;]</c>):
    /// an application embedding OpsClaw that serves the echo channel beside runtime and control.
    /// </summary>
    public static string SampleExecutablePath { get; } = FindExecutable(Path.Combine("samples", "OpsClaw.Samples"), "OpsClaw.Samples");

    /// <summary>
    /// Starts opsclaw with <paramref name="args"/>; a first argument that is an absolute path (e.g.
    /// <see cref="SampleExecutablePath"/>) is run instead of opsclaw.
    /// </summary>
    public static HostProcess Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), args);

    public static HostProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var runsOther = args.Length > 0 && Path.IsPathRooted(args[0]);

        // Through env(1), which restores the default action of the signals the specs send and then
        // execs the program (same pid): a suite started in the background inherits SIGINT ignored,
        // and the child would inherit that too.
        var info = new ProcessStartInfo("/usr/bin/env")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // The client commands read the socket directory from it: a developer's own setting must not steer the specs.
        info.Environment.Remove("OPSCLAW_SOCKETS");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add("--default-signal=INT,TERM,HUP");
        info.ArgumentList.Add(runsOther ? args[0] : ExecutablePath);
        foreach (var arg in runsOther ? args[1..] : args)
        {
            info.ArgumentList.Add(arg);
        }

        return new HostProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start opsclaw"));
    }

    /// <summary>Starts as <see cref="Start(string, string[])"/> does and returns once the host printed its ready line; a host that never does is stopped.</summary>
    public static async Task<HostProcess> StartReadyAsync(string workingDirectory, params string[] args)
    {
        var host = Start(workingDirectory, args);
        try
        {
            await host.WaitForReadyAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Runs opsclaw to completion (e.g. <c>ipc send</c>) and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, new Dictionary<string, string>(), null, args);

    /// <summary>Runs opsclaw to completion with <paramref name="environment"/> added and <paramref name="stdin"/> (when given) as its whole standard input.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, byte[]? stdin, params string[] args)
    {
        using var host = Start(workingDirectory, environment, args);
        if (stdin is not null)
        {
            await host._process.StandardInput.BaseStream.WriteAsync(stdin);
        }

        host._process.StandardInput.Close();
        var exitCode = await host.WaitForExitAsync();
        return (exitCode, host.Stdout, host.Stderr);
    }

    public Task<string> WaitForReadyAsync() => _ready.Task.WaitAsync(DefaultWait);

    /// <summary>Waits until the stdout seen so far satisfies <paramref name="done"/>; fails after the default wait.</summary>
    public Task WaitForStdoutAsync(Func<string, bool> done) => WaitForOutputAsync(() => done(Stdout));

    /// <summary>Waits until the stderr seen so far satisfies <paramref name="done"/>; fails after the default wait.</summary>
    public Task WaitForStderrAsync(Func<string, bool> done) => WaitForOutputAsync(() => done(Stderr));

    private async Task WaitForOutputAsync(Func<bool> done)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        while (!done())
        {
            await _outputGrew.WaitAsync(timeout.Token);
        }
    }

    public Task<int> WaitForExitAsync() => WaitForExitAsync(DefaultWait);

    /// <summary>Waits up to <paramref name="bound"/> for the process to exit; an <see cref="OperationCanceledException"/> when it does not.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Signal(int signal) => Kill(_process.Id, signal);

    /// <summary>Signals the one child of the started program (e.g. the host that unshare forked), not the program itself.</summary>
    public void SignalOnlyChild(int signal)
    {
        var children = File.ReadAllText($"/proc/{_process.Id}/task/{_process.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var child = Assert.Single(children);
        Kill(int.Parse(child, System.Globalization.CultureInfo.InvariantCulture), signal);
    }

    private static void Kill(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _outputGrew.Dispose();
    }

    private static string FindExecutable(string project, string name)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OpsClaw.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException("cannot find OpsClaw.sln above " + AppContext.BaseDirectory);
        }

        var path = Path.Combine(directory.FullName, project, "bin", configuration, "net10.0", name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{name} is not built at {path}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
