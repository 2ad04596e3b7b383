using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// How every client command finds the host (docs/api-reference.md, "Finding the host"): --socket,
/// else --dir, else $OPSCLAW_SOCKETS, else .opsclaw/sockets in the working directory; and how send
/// picks a channel's socket. Each case runs the real executable against a real host.
/// </summary>
public sealed class HostLocationSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    /// <summary>Where a host started in <see cref="TempSocketDir.Path"/> without --dir serves: the default, relative to its working directory.</summary>
    private readonly string _defaultDir;

    /// <summary>A directory no host serves.</summary>
    private readonly string _elsewhere;

    public HostLocationSpecs()
    {
        Directory.CreateDirectory(_dir.Path);
        _defaultDir = Path.Combine(_dir.Path, ".opsclaw", "sockets");
        _elsewhere = Path.Combine(_dir.Path, "elsewhere");
        Directory.CreateDirectory(_elsewhere);
    }

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, string> Sockets(string value) => new() { ["OPSCLAW_SOCKETS"] = value };

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, Dictionary<string, string> environment, params string[] args) =>
        HostProcess.RunAsync(workingDirectory, environment, null, args);

    [Fact]
    public async Task The_socket_should_come_from_socket_then_dir_then_OPSCLAW_SOCKETS_then_the_default()
    {
        using var host = await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets");
        var runtime = Path.Combine(_defaultDir, "runtime.sock");

        // The default: .opsclaw/sockets under the working directory; an empty variable counts as unset.
        Assert.Equal(0, (await RunAsync(_dir.Path, [], "ping")).ExitCode);
        Assert.Equal(0, (await RunAsync(_dir.Path, Sockets(""), "ping")).ExitCode);

        // The variable beats the default, and is what the error names when it points nowhere.
        Assert.Equal(0, (await RunAsync(_elsewhere, Sockets(_defaultDir), "ping")).ExitCode);
        var fromVariable = await RunAsync(_dir.Path, Sockets(_elsewhere), "ping");
        Assert.Equal(2, fromVariable.ExitCode);
        Assert.Equal(
            $"opsclaw: cannot connect to {_elsewhere}/runtime.sock: the file does not exist. Is the host running, and serving {_elsewhere} (from $OPSCLAW_SOCKETS)? --dir, --socket or $OPSCLAW_SOCKETS choose another.",
            fromVariable.Stderr);

        // --dir beats the variable; --socket beats both.
        Assert.Equal(0, (await RunAsync(_elsewhere, Sockets(_elsewhere), "ping", "--dir", _defaultDir)).ExitCode);
        Assert.Equal(0, (await RunAsync(_elsewhere, Sockets(_elsewhere), "ping", "--socket", runtime)).ExitCode);
        var fromDir = await RunAsync(_dir.Path, Sockets(_defaultDir), "ping", "--dir", _elsewhere);
        Assert.Contains($"serving {_elsewhere} (given by --dir)", fromDir.Stderr, StringComparison.Ordinal);

        // A relative --dir is taken from the working directory.
        Assert.Equal(0, (await RunAsync(_dir.Path, Sockets(_elsewhere), "ping", "--dir", ".opsclaw/sockets")).ExitCode);
    }

    [Fact]
    public async Task Every_client_command_should_take_dir_socket_and_the_variable()
    {
        using var host = await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        string[][] commands =
        [
            ["ping"], ["health"], ["channels"], ["status"], ["ipc", "status"],
            ["send", "--type", "runtime.ping"], ["ipc", "send", "--type", "runtime.ping"],
            ["topics"], ["cluster"], ["pub", "runs.r1", "{}"],
        ];

        foreach (var command in commands)
        {
            var control = command is ["ping"] or ["pub", ..] || command.Contains("--type") ? "runtime" : "control";
            foreach (var way in new[] { "--dir", "--socket", "$OPSCLAW_SOCKETS" })
            {
                var result = way switch
                {
                    "--dir" => await RunAsync(_elsewhere, Sockets(_elsewhere), [.. command, "--dir", _dir.SocketDir]),
                    "--socket" => await RunAsync(_elsewhere, Sockets(_elsewhere), [.. command, "--socket", _dir.Socket(control)]),
                    _ => await RunAsync(_elsewhere, Sockets(_dir.SocketDir), command),
                };
                Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)} with {way}: exit {result.ExitCode}: {result.Stderr}");
            }
        }

        var stop = await RunAsync(_elsewhere, Sockets(_elsewhere), "stop", "--socket", _dir.Socket("control"));
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Socket_should_refuse_dir_and_channel_beside_it()
    {
        var withDir = await RunAsync(_dir.Path, [], "ping", "--socket", "a.sock", "--dir", "b");
        Assert.Equal((2, "", "opsclaw: --socket names the socket itself: leave out --dir (see 'opsclaw help ping')"), withDir);

        var withChannel = await RunAsync(_dir.Path, [], "send", "--type", "kv.get", "--socket", "a.sock", "--channel", "kv");
        Assert.Equal((2, "", "opsclaw: --socket names the socket itself: leave out --channel (see 'opsclaw help send')"), withChannel);
    }

    [Fact]
    public async Task Send_should_use_the_socket_of_its_channel_named_or_implied_by_the_type()
    {
        using var host = await HostProcess.StartReadyAsync(_dir.Path, HostProcess.SampleExecutablePath, _dir.SocketDir);

        // echo.say goes to echo.sock by its prefix; --channel names the socket outright.
        var implied = await RunAsync(_dir.Path, [], "send", "--dir", _dir.SocketDir, "--type", "echo.say", "--payload", "{\"Text\":\"hi\"}");
        Assert.Equal(0, implied.ExitCode);
        Assert.Contains("\"message_type\":\"echo.say.ok\"", implied.Stdout, StringComparison.Ordinal);
        var named = await RunAsync(_dir.Path, Sockets(_dir.SocketDir), "send", "--channel", "echo", "--type", "echo.tally");
        Assert.Equal(0, named.ExitCode);
        Assert.Contains("\"message_type\":\"echo.tally.ok\"", named.Stdout, StringComparison.Ordinal);

        // A control type sent to the echo channel reaches echo.sock, which does not serve it.
        var wrongChannel = await RunAsync(_dir.Path, [], "send", "--dir", _dir.SocketDir, "--channel", "echo", "--type", "control.health");
        Assert.Equal(1, wrongChannel.ExitCode);
        Assert.Contains("\"error_code\":\"unsupported_message_type\"", wrongChannel.Stdout, StringComparison.Ordinal);

        var noSuchChannel = await RunAsync(_dir.Path, [], "send", "--dir", _dir.SocketDir, "--channel", "kv", "--type", "kv.get");
        Assert.Equal(2, noSuchChannel.ExitCode);
        Assert.StartsWith($"opsclaw: cannot connect to {_dir.Socket("kv")}: the file does not exist.", noSuchChannel.Stderr, StringComparison.Ordinal);

        var noPrefix = await RunAsync(_dir.Path, [], "send", "--dir", _dir.SocketDir, "--type", "ping");
        Assert.Equal(
            (2, "", "opsclaw: --type 'ping' names no channel by a '<channel>.' prefix: say which with --channel or --socket (see 'opsclaw help send')"),
            noPrefix);

        var badName = await RunAsync(_dir.Path, [], "send", "--dir", _dir.SocketDir, "--channel", "../x", "--type", "x.y");
        Assert.Equal(2, badName.ExitCode);
        Assert.Contains("--channel: channel name \"../x\" cannot name a socket file", badName.Stderr, StringComparison.Ordinal);
    }
}
