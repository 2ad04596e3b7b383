using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// The opsclaw executable started as systemd starts a socket-activated service (docs/deploy/README.md):
/// the spec binds the two sockets itself, as systemd does, and passes them as fds 3 and 4.
/// </summary>
public sealed class SocketActivationProcessSpecs : IDisposable
{
    private const int SigTerm = 15;
    private readonly TempSocketDir _dir = new();

    public SocketActivationProcessSpecs() =>
        Directory.CreateDirectory(_dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> PingAsync() =>
        HostProcess.RunAsync(_dir.Path, "ipc", "send", "--socket", _dir.Socket("runtime"), "--type", "runtime.ping");

    [Fact]
    public async Task Host_should_serve_the_sockets_passed_as_fds_3_and_4_leave_them_listening_and_let_the_next_host_answer_who_waited()
    {
        using var runtime = SupervisorSockets.Listen(_dir.Socket("runtime"));
        using var control = SupervisorSockets.Listen(_dir.Socket("control"));
        var files = new[] { SupervisorSockets.IdentityOf(_dir.Socket("runtime")), SupervisorSockets.IdentityOf(_dir.Socket("control")) };

        // fd 3 is control: only the names say which socket is which.
        using (var host = ActivatedHost.Start(_dir.Path, [control, runtime], "control:runtime", "ipc", "serve-sockets", "--dir", _dir.SocketDir))
        {
            Assert.Equal($"opsclaw ipc ready runtime={_dir.Socket("runtime")} control={_dir.Socket("control")}", await host.WaitForReadyAsync());
            Assert.Equal(0, (await PingAsync()).ExitCode);
            var status = await HostProcess.RunAsync(_dir.Path, "ipc", "status", "--dir", _dir.SocketDir);
            Assert.True(status.ExitCode == 0, status.Stderr);
            Assert.Contains($"pid {host.Pid}", status.Stdout, StringComparison.Ordinal);

            host.Signal(SigTerm);
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        // Neither rebound nor removed: the same files, and the lock file (the host's own) gone.
        Assert.Equal(files, new[] { SupervisorSockets.IdentityOf(_dir.Socket("runtime")), SupervisorSockets.IdentityOf(_dir.Socket("control")) });
        Assert.Equal(["control.sock", "runtime.sock"], Directory.GetFileSystemEntries(_dir.SocketDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Between two hosts a client still connects and writes, and waits in the backlog as under systemd.
        using var waiting = await RawConnection.ConnectAsync(_dir.Socket("runtime"));
        await waiting.WriteAsync(RawConnection.Request("runtime.ping", "between-hosts", "{}"));
        using var next = ActivatedHost.Start(_dir.Path, [runtime, control], "runtime:control", "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await next.WaitForReadyAsync();

        var reply = await waiting.ReadLineAsync();
        Assert.Contains("\"message_type\":\"runtime.pong\",\"run_id\":\"between-hosts\"", reply, StringComparison.Ordinal);
        next.Signal(SigTerm);
        Assert.Equal(0, await next.WaitForExitAsync());
    }

    [Fact]
    public async Task Host_should_exit_2_with_one_line_when_a_channel_has_no_passed_socket_and_leave_the_files_alone()
    {
        using var runtime = SupervisorSockets.Listen(_dir.Socket("runtime"));

        using var host = ActivatedHost.Start(_dir.Path, [runtime], "runtime", "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        Assert.Equal(2, await host.WaitForExitAsync());
        Assert.Equal(
            $"opsclaw: socket activation: no socket was passed for channel 'control' (passed: fd 3 (named runtime)); " +
            $"pass one for every channel (ListenStream={_dir.Socket("control")} with FileDescriptorName=control) or none",
            host.Stderr);
        Assert.Equal("", host.Stdout);
        Assert.Equal(["runtime.sock"], Directory.GetFileSystemEntries(_dir.SocketDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Host_should_exit_2_naming_a_malformed_variable()
    {
        using var runtime = SupervisorSockets.Listen(_dir.Socket("runtime"));
        using var control = SupervisorSockets.Listen(_dir.Socket("control"));

        using var host = ActivatedHost.Start(
            _dir.Path, [runtime, control], "runtime:control", new Dictionary<string, string> { ["LISTEN_FDS"] = "two" }, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        Assert.Equal(2, await host.WaitForExitAsync());
        Assert.Equal("opsclaw: LISTEN_FDS=two is not a number of passed sockets (a whole number from 0 to 1024)", host.Stderr);
    }

    /// <summary>
    /// Variables inherited from an activated parent name descriptors that are not this process's: at
    /// fds 3 and 4 the runtime keeps files of its own by then. The host leaves them and binds.
    /// </summary>
    [Fact]
    public async Task Host_should_ignore_sockets_passed_to_another_process_and_bind_its_own()
    {
        using var host = HostProcess.Start(
            _dir.Path,
            new Dictionary<string, string> { ["LISTEN_PID"] = "1", ["LISTEN_FDS"] = "2", ["LISTEN_FDNAMES"] = "runtime:control" },
            "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();

        Assert.Equal(0, (await PingAsync()).ExitCode);
        host.Signal(SigTerm);
        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }
}
