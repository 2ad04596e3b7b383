using System.Net.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>The exit statuses docs/api-reference.md, "Command line" promises for the CLI's failure paths, each with its one stderr line.</summary>
public sealed class ExitCodeSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public ExitCodeSpecs() => Directory.CreateDirectory(_dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Send_should_exit_2_when_the_socket_accepts_but_never_replies()
    {
        using var silent = SilentListener(_dir.Socket("runtime"));

        var result = await HostProcess.RunAsync(
            _dir.Path, "ipc", "send", "--socket", _dir.Socket("runtime"), "--type", "runtime.ping", "--timeout-ms", "300");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("opsclaw: ", line, StringComparison.Ordinal);
        Assert.Contains("300", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_should_exit_2_when_the_control_socket_accepts_but_never_replies()
    {
        using var silent = SilentListener(_dir.Socket("control"));

        var result = await HostProcess.RunAsync(_dir.Path, "ipc", "status", "--dir", _dir.SocketDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("opsclaw: ", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_should_exit_1_when_its_output_cannot_be_written()
    {
        var unwritable = Path.Combine(_dir.Path, "no-such-dir", "schema.json");

        var result = await HostProcess.RunAsync(_dir.Path, "schema", "--output", unwritable);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("opsclaw: ", line, StringComparison.Ordinal);
        Assert.Contains(unwritable, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("opsclaw.ipc.channels.runtime.socket-mode = \"0999\"", "opsclaw.ipc.channels.runtime.socket-mode = 0999: must be an octal file mode")]
    [InlineData("opsclaw.ipc.request-timeout = banana", "opsclaw.ipc.request-timeout = banana: must be a duration from 1ms to 24d")]
    [InlineData("opsclaw.ipc.channels.runtime.allowed-uids = [\"bob\"]", "opsclaw.ipc.channels.runtime.allowed-uids = [bob]: must be a list of uids")]
    [InlineData("opsclaw.ipc.max-line-byte = 100", "opsclaw.ipc.max-line-byte: unknown setting; did you mean opsclaw.ipc.max-line-bytes?")]
    [InlineData("opsclaw.ipc.channels.contrl.allow-any-uid = on", "opsclaw.ipc.channels.contrl: no channel named 'contrl' is served; did you mean 'control'?")]
    [InlineData("opsclaw.ipc {\n  max-line-bytes = 100", "refused.conf: line 1: the '{' opened here is never closed (is the file cut short?)")]
    [InlineData("akka.coordinated-shutdown.phases.service-requests-done.timeout = soon", "akka.coordinated-shutdown.phases.service-requests-done.timeout = soon: must be a duration")]
    public async Task Serve_should_exit_2_with_one_line_naming_the_key_of_a_bad_setting_and_no_stack_trace(string hocon, string problem)
    {
        var line = await ServeRefusedAsync(hocon);

        Assert.StartsWith("opsclaw: invalid configuration: ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_should_exit_2_with_every_problem_of_its_configuration()
    {
        var config = Path.Combine(_dir.Path, "refused.conf");
        await File.WriteAllTextAsync(config, "opsclaw.ipc {\n  request-timeout = banana\n  max-connections = -1\n  idle-timout = 5s\n}\n");

        var result = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
        var lines = result.Stderr.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.StartsWith("opsclaw: invalid configuration: opsclaw.ipc.", line, StringComparison.Ordinal));
        Assert.Contains("opsclaw.ipc.max-connections = -1", lines[0], StringComparison.Ordinal);
        Assert.Contains("opsclaw.ipc.request-timeout = banana", lines[1], StringComparison.Ordinal);
        Assert.Contains("did you mean opsclaw.ipc.idle-timeout?", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_should_exit_2_when_the_drain_phase_would_cut_the_drain_timeout_short()
    {
        var line = await ServeRefusedAsync("opsclaw.ipc.shutdown-drain-timeout = 29s");

        Assert.Contains("akka.coordinated-shutdown.phases.service-requests-done.timeout = 30s", line, StringComparison.Ordinal);
        Assert.Contains("opsclaw.ipc.shutdown-drain-timeout = 29s", line, StringComparison.Ordinal);
        Assert.Contains("at least 31s", line, StringComparison.Ordinal);
    }

    /// <summary>Runs serve-sockets with <paramref name="hocon"/> as its config file; it must exit 2 with one line and bind nothing. Returns that line.</summary>
    private async Task<string> ServeRefusedAsync(string hocon)
    {
        var config = Path.Combine(_dir.Path, "refused.conf");
        await File.WriteAllTextAsync(config, hocon + "\n");

        var result = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        return Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A socket that accepts connections (the kernel queues them) and never reads or answers.</summary>
    private static Socket SilentListener(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(8);
        return socket;
    }
}
