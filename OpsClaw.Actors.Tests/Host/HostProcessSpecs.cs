using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>The built opsclaw executable, run as a process the way users and supervisors run it.</summary>
public sealed class HostProcessSpecs : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigInt = 2;
    private readonly TempSocketDir _dir = new();
    private readonly ITestOutputHelper _output;

    public HostProcessSpecs(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs <c>opsclaw ipc send</c> against one of this spec's sockets.</summary>
    private Task<(int ExitCode, string Stdout, string Stderr)> SendAsync(string channel, string messageType, params string[] extra) =>
        HostProcess.RunAsync(_dir.Path, ["ipc", "send", "--socket", _dir.Socket(channel), "--type", messageType, .. extra]);

    [Fact]
    public async Task Host_should_print_the_ready_line_answer_send_and_exit_0_on_control_stop_removing_its_files()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        var ready = await host.WaitForReadyAsync();
        Assert.Equal($"opsclaw ipc ready runtime={_dir.Socket("runtime")} control={_dir.Socket("control")}", ready);
        await host.WaitForStderrAsync(stderr => stderr.Length > 0);
        Assert.Equal($"opsclaw: serving 2 channels in {_dir.SocketDir} (pid {host.Pid})", host.Stderr);

        var ping = await SendAsync("runtime", "runtime.ping", "--run-id", "r1");
        Assert.Equal(0, ping.ExitCode);
        Assert.Equal(
            "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.pong\",\"run_id\":\"r1\",\"payload_json\":\"{\\\"status\\\":\\\"ok\\\"}\",\"ok\":true,\"error\":null,\"error_code\":null}",
            ping.Stdout);

        var wrongPlane = await SendAsync("runtime", "control.health");
        Assert.Equal(1, wrongPlane.ExitCode);
        Assert.Contains("\"error_code\":\"unsupported_message_type\"", wrongPlane.Stdout, StringComparison.Ordinal);

        var stop = await SendAsync("control", "control.stop");
        Assert.Equal(0, stop.ExitCode);
        Assert.Contains("\"message_type\":\"control.stop.ack\"", stop.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task Host_should_stop_gracefully_on_a_signal_and_remove_its_files(int signal)
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();

        host.Signal(signal);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    [Fact]
    public async Task Second_host_should_exit_2_naming_the_directory_and_pid_and_leave_the_first_unharmed()
    {
        using var first = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await first.WaitForReadyAsync();

        var second = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        Assert.Equal(2, second.ExitCode);
        var message = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(_dir.SocketDir, message, StringComparison.Ordinal);
        Assert.Contains($"pid {first.Pid}", message, StringComparison.Ordinal);
        var ping = await SendAsync("runtime", "runtime.ping");
        Assert.Equal(0, ping.ExitCode);
    }

    [Fact]
    public async Task Host_started_after_a_kill_9_should_reclaim_the_stale_sockets()
    {
        using (var crashed = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir))
        {
            await crashed.WaitForReadyAsync();
            crashed.Signal(SigKill);
            await crashed.WaitForExitAsync();
        }

        Assert.True(File.Exists(_dir.Socket("runtime")));

        using var next = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await next.WaitForReadyAsync();
        var ping = await SendAsync("runtime", "runtime.ping");
        Assert.Equal(0, ping.ExitCode);
        next.Signal(SigTerm);
        Assert.Equal(0, await next.WaitForExitAsync());
    }

    [Fact]
    public async Task Host_should_refuse_a_path_that_is_not_a_socket_with_exit_2_and_leave_it()
    {
        Directory.CreateDirectory(_dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(_dir.Socket("runtime"), "precious");

        var result = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a socket", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("precious", await File.ReadAllTextAsync(_dir.Socket("runtime")));
    }

    [Fact]
    public async Task Host_should_read_settings_from_a_config_file_and_exit_2_on_a_bad_one()
    {
        var good = Path.Combine(_dir.Path, "good.conf");
        await File.WriteAllTextAsync(good, $"opsclaw.ipc.socket-dir = \"{_dir.SocketDir}\"\nopsclaw.ipc.channels.runtime.socket-mode = \"0600\"\n");
        using (var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--config", good))
        {
            await host.WaitForReadyAsync();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Socket("runtime")));
            host.Signal(SigTerm);
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        var bad = Path.Combine(_dir.Path, "bad.conf");
        await File.WriteAllTextAsync(bad, "opsclaw.ipc.max-line-bytes = -5\n");
        var refused = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--config", bad);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("max-line-bytes", refused.Stderr, StringComparison.Ordinal);

        var missing = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--config", Path.Combine(_dir.Path, "nope.conf"));
        Assert.Equal(2, missing.ExitCode);
    }

    /// <summary>Needs a second uid: as root (CI) the spec drops to "nobody" with setpriv.</summary>
    [RootFact]
    public async Task Peer_with_a_uid_the_channel_does_not_admit_should_get_one_forbidden_line()
    {
        // Others may traverse the directory and write the socket, so only the uid check can refuse them.
        Directory.CreateDirectory(_dir.SocketDir);
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)Convert.ToInt32("711", 8));
        File.SetUnixFileMode(_dir.SocketDir, (UnixFileMode)Convert.ToInt32("711", 8));
        var config = Path.Combine(_dir.Path, "uids.conf");
        await File.WriteAllTextAsync(config, "opsclaw.ipc.channels.runtime { socket-mode = \"0666\", allow-any-uid = off }\n");
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--config", config);
        await host.WaitForReadyAsync();

        var refused = await HostProcess.RunAsync(
            _dir.Path, "/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "HOME=/tmp",
            HostProcess.ExecutablePath, "ipc", "send", "--socket", _dir.Socket("runtime"), "--type", "runtime.ping");

        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}: {refused.Stdout} {refused.Stderr}");
        Assert.Equal(
            "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"error\",\"run_id\":null,\"payload_json\":\"{}\",\"ok\":false,\"error\":\"peer uid 65534 is not allowed on runtime\",\"error_code\":\"forbidden\"}",
            refused.Stdout);
        var admitted = await SendAsync("runtime", "runtime.ping");
        Assert.Equal(0, admitted.ExitCode);
    }

    [Fact]
    public async Task Status_should_print_an_aligned_table_whose_numbers_follow_the_traffic()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();
        Assert.Equal(0, (await SendAsync("runtime", "runtime.ping")).ExitCode);
        Assert.Equal(1, (await SendAsync("runtime", "runtime.nope")).ExitCode);

        var status = await HostProcess.RunAsync(_dir.Path, "ipc", "status", "--dir", _dir.SocketDir);

        Assert.Equal(0, status.ExitCode);
        var lines = status.Stdout.Split('\n');
        Assert.Matches($"^opsclaw \\d+\\.\\d+\\.\\d+\\S*  pid {host.Pid}  up \\d\\dh \\d\\dm \\d\\ds$", lines[0]);
        Assert.Matches("^CHANNEL +CONNS +TOTAL +REQUESTS +ERRORS +P50 MS +P99 MS  ERRORS BY CODE$", lines[1]);
        Assert.Matches("^runtime +0 +2 +2 +1 +\\d+\\.\\d{3} +\\d+\\.\\d{3}  unsupported_message_type=1$", lines[2]);
        Assert.Matches("^control +1 +1 +0 +0 +0\\.000 +0\\.000  -$", lines[3]);

        // Figures end under the end of their heading; the code list starts under its heading.
        var codes = lines[1].IndexOf("ERRORS BY CODE", StringComparison.Ordinal);
        Assert.Equal((codes, codes), (lines[2].IndexOf("unsupported", StringComparison.Ordinal), lines[3].IndexOf('-', StringComparison.Ordinal)));
        var requestsEnd = lines[1].IndexOf("REQUESTS", StringComparison.Ordinal) + "REQUESTS".Length;
        Assert.Equal(("2", "0"), (lines[2][requestsEnd - 1].ToString(), lines[3][requestsEnd - 1].ToString()));
    }

    [Fact]
    public async Task Status_watch_should_refresh_every_second_until_interrupted()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();

        using var watch = HostProcess.Start(_dir.Path, "ipc", "status", "--dir", _dir.SocketDir, "--watch");
        await watch.WaitForStdoutAsync(stdout => CountOf(stdout, "CHANNEL ") >= 6);
        watch.Signal(SigInt);

        // A table a second. Measured over four gaps after the first table (which also pays for the
        // connect), since the lines reach this process with some jitter of their own.
        var tables = watch.StdoutLines.Where(line => line.Line.StartsWith("CHANNEL ", StringComparison.Ordinal)).Select(line => line.At).Skip(1).Take(5).ToList();
        var average = (tables[^1] - tables[0]) / (tables.Count - 1);
        Assert.InRange(average, TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(2500));

        Assert.Equal(0, await watch.WaitForExitAsync());
        Assert.Equal(0, (await SendAsync("runtime", "runtime.ping")).ExitCode);
    }

    [Fact]
    public async Task Verbose_should_log_at_debug_level_and_the_default_should_not()
    {
        foreach (var verbose in new[] { true, false })
        {
            using var host = HostProcess.Start(_dir.Path, ["ipc", "serve-sockets", "--dir", _dir.SocketDir, .. verbose ? new[] { "--verbose" } : []]);
            await host.WaitForReadyAsync();
            Assert.Equal(0, (await SendAsync("runtime", "runtime.ping")).ExitCode);
            host.Signal(SigTerm);
            Assert.Equal(0, await host.WaitForExitAsync());

            Assert.True(host.Stderr.Contains("dbug: ", StringComparison.Ordinal) == verbose, $"--verbose {verbose}: {host.Stderr}");
        }
    }

    [Fact]
    public async Task Status_should_exit_2_with_a_hint_when_no_host_serves_the_directory()
    {
        var status = await HostProcess.RunAsync(_dir.Path, "ipc", "status", "--dir", _dir.SocketDir);

        Assert.Equal(2, status.ExitCode);
        Assert.Equal("", status.Stdout);
        Assert.StartsWith($"opsclaw: cannot connect to {_dir.Socket("control")}: ", status.Stderr, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Host_should_tell_a_notify_socket_ready_only_after_its_sockets_accept_connections()
    {
        using var notify = BindNotifySocket(out var notifyPath);
        using var host = HostProcess.Start(
            _dir.Path, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notifyPath }, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        await AssertReadyOnceSocketsAcceptThenStoppingAsync(notify, () => host.Signal(SigTerm));
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    /// <summary>
    /// Run as process 1 of a new pid namespace with $NOTIFY_SOCKET set, the host counts as a systemd
    /// service (as in a container under systemd), so Microsoft.Extensions.Hosting.Systemd sends READY
    /// and STOPPING itself and OpsClaw's own notifier stays silent: the path a real unit takes.
    /// </summary>
    [PidNamespaceFact]
    public async Task Host_run_as_a_systemd_service_should_be_reported_ready_once_only_after_its_sockets_accept_connections()
    {
        using var notify = BindNotifySocket(out var notifyPath);
        using var unshare = HostProcess.Start(
            _dir.Path,
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notifyPath },
            "/usr/bin/unshare", "--pid", "--fork", "--kill-child", HostProcess.ExecutablePath, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        // unshare blocks SIGTERM while it waits for its child: the host (pid 1 inside) is signalled itself.
        await AssertReadyOnceSocketsAcceptThenStoppingAsync(notify, () => unshare.SignalOnlyChild(SigTerm));
        Assert.Equal(0, await unshare.WaitForExitAsync());
    }

    private System.Net.Sockets.Socket BindNotifySocket(out string path)
    {
        Directory.CreateDirectory(_dir.Path);
        path = Path.Combine(_dir.Path, "notify");
        var notify = new System.Net.Sockets.Socket(
            System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        notify.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        return notify;
    }

    /// <summary>The first notice is READY=1, both sockets accept at that moment, and the next notice (after <paramref name="stop"/>) is STOPPING=1.</summary>
    private async Task AssertReadyOnceSocketsAcceptThenStoppingAsync(System.Net.Sockets.Socket notify, Action stop)
    {
        var buffer = new byte[256];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await notify.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, wait.Token);
        Assert.Equal("READY=1", System.Text.Encoding.ASCII.GetString(buffer, 0, received));

        // At once, with no process start in between that would give a late bind time to happen.
        foreach (var channel in new[] { "runtime", "control" })
        {
            using var probe = new System.Net.Sockets.Socket(
                System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(_dir.Socket(channel)));
        }

        var ping = await SendAsync("runtime", "runtime.ping");
        Assert.Equal(0, ping.ExitCode);

        stop();
        received = await notify.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, wait.Token);
        Assert.Equal("STOPPING=1", System.Text.Encoding.ASCII.GetString(buffer, 0, received));
    }

    [Fact]
    public async Task Send_should_exit_2_when_nothing_listens_and_on_bad_arguments()
    {
        var noHost = await SendAsync("runtime", "runtime.ping");
        Assert.Equal(2, noHost.ExitCode);
        Assert.Contains("cannot connect", noHost.Stderr, StringComparison.Ordinal);
        Assert.Equal("", noHost.Stdout);

        var noType = await HostProcess.RunAsync(_dir.Path, "ipc", "send", "--socket", _dir.Socket("runtime"));
        Assert.Equal(2, noType.ExitCode);
    }
}
