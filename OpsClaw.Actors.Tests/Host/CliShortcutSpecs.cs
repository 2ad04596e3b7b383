using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// The shortcut commands of docs/api-reference.md, "Command line" (ping, health, channels, status,
/// cluster, stop, send), run as the real executable against a real host: what they print in words and with
/// --json, and how stop waits for the host.
/// </summary>
public sealed class CliShortcutSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public CliShortcutSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => HostProcess.RunAsync(_dir.Path, args);

    private Task<HostProcess> StartHostAsync() => HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

    private Task<HostProcess> StartSampleHostAsync() => HostProcess.StartReadyAsync(_dir.Path, HostProcess.SampleExecutablePath, _dir.SocketDir);

    [Fact]
    public async Task Ping_health_and_channels_should_answer_in_words()
    {
        using var host = await StartHostAsync();

        var ping = await RunAsync("ping", "--dir", _dir.SocketDir);
        Assert.Equal((0, ""), (ping.ExitCode, ping.Stderr));
        Assert.Matches($"^pong from {Regex.Escape(_dir.Socket("runtime"))} in \\d+(\\.\\d{{1,3}})? ms$", ping.Stdout);

        Assert.Equal((0, "healthy", ""), await RunAsync("health", "--dir", _dir.SocketDir));

        var socketColumn = _dir.Socket("runtime").Length;
        Assert.Equal(
            (0,
             $"CHANNEL  {"SOCKET".PadRight(socketColumn)}  MESSAGE TYPES\n" +
             $"runtime  {_dir.Socket("runtime")}  runtime.ping runtime.forward runtime.publish runtime.subscribe runtime.unsubscribe runtime.ack runtime.nack\n" +
             $"control  {_dir.Socket("control")}  control.health control.stop control.channels control.status control.topics control.streams control.cluster",
             ""),
            await RunAsync("channels", "--dir", _dir.SocketDir));
    }

    [Fact]
    public async Task Json_should_print_the_reply_payload_as_one_line()
    {
        using var host = await StartHostAsync();

        Assert.Equal((0, "{\"status\":\"ok\"}", ""), await RunAsync("ping", "--dir", _dir.SocketDir, "--json"));
        Assert.Equal((0, "{\"status\":\"healthy\"}", ""), await RunAsync("health", "--dir", _dir.SocketDir, "--json"));

        var channels = await RunAsync("channels", "--dir", _dir.SocketDir, "--json");
        Assert.Equal(0, channels.ExitCode);
        Assert.Equal(["runtime", "control"], OneJsonLine(channels.Stdout)["channels"]!.Select(channel => (string?)channel["name"]));

        var status = await RunAsync("status", "--dir", _dir.SocketDir, "--json");
        Assert.Equal(0, status.ExitCode);
        var report = OneJsonLine(status.Stdout);
        Assert.Equal(host.Pid, (int)report["pid"]!);
        Assert.Equal(["runtime", "control"], report["channels"]!.Select(channel => (string?)channel["name"]));
    }

    [Fact]
    public async Task Cluster_on_a_host_outside_a_cluster_should_say_it_is_off_and_json_should_be_the_empty_report()
    {
        using var host = await StartHostAsync();

        Assert.Equal(
            (0, "cluster: off (this host serves its machine alone; see opsclaw.cluster in docs/cluster.md)", ""),
            await RunAsync("cluster", "--dir", _dir.SocketDir));
        Assert.Equal(
            (0, "{\"enabled\":false,\"self\":null,\"leader\":null,\"members\":[]}", ""),
            await RunAsync("cluster", "--dir", _dir.SocketDir, "--json"));
    }

    [Fact]
    public async Task A_shortcut_should_exit_1_with_one_stderr_line_naming_the_error_code_of_an_error_reply()
    {
        using var host = await StartHostAsync();

        // control.health asked on the runtime socket, which does not serve it.
        var wrongPlane = await RunAsync("health", "--socket", _dir.Socket("runtime"));

        Assert.Equal(
            (1, "", "opsclaw: control.health failed: unsupported_message_type: unsupported runtime message_type 'control.health'"),
            wrongPlane);
    }

    [Fact]
    public async Task Stop_should_return_only_once_the_host_has_drained_and_removed_its_files()
    {
        using var host = await StartSampleHostAsync();
        using var client = await SleepingRequestAsync(1500);

        var stop = await RunAsync("stop", "--dir", _dir.SocketDir);

        Assert.Equal((0, $"stopped: the host serving {_dir.SocketDir} has removed its sockets and lock file", ""), stop);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));

        // The drain answered the request before the lock file went: its reply is already here.
        Assert.True(client.Socket.Available > 0, "stop returned before the drain answered the request in flight");
        Assert.Contains("\"ok\":true", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Stop_no_wait_should_return_on_the_acknowledgement_while_the_host_still_drains()
    {
        using var host = await StartSampleHostAsync();
        using var client = await SleepingRequestAsync(4000);

        var stop = await RunAsync("stop", "--dir", _dir.SocketDir, "--no-wait");

        Assert.Equal((0, $"stopping: the host serving {_dir.SocketDir} is draining its connections", ""), stop);
        Assert.Equal(0, client.Socket.Available);
        Assert.Contains("\"ok\":true", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    [Fact]
    public async Task Stop_should_exit_2_when_the_host_has_not_finished_within_its_timeout()
    {
        using var host = await StartSampleHostAsync();
        using var client = await SleepingRequestAsync(4000);

        var stop = await RunAsync("stop", "--dir", _dir.SocketDir, "--timeout-ms", "500");

        Assert.Equal(
            (2, "", $"opsclaw: the host serving {_dir.SocketDir} acknowledged control.stop but has not finished within 500 ms (its opsclaw.lock is still there); a drain lasts up to its shutdown-drain-timeout"),
            stop);
        Assert.Contains("\"ok\":true", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    /// <summary>
    /// A connection with an echo.sleep request written to it (its bytes are in the host's socket when
    /// this returns, so a drain that starts later answers it: docs/protocol.md §7) and not yet answered.
    /// </summary>
    private async Task<RawConnection> SleepingRequestAsync(int milliseconds)
    {
        var client = await RawConnection.ConnectAsync(_dir.Socket("echo"));
        await client.WriteAsync(RawConnection.Request("echo.sleep", "slow", $"{{\"Ms\":{milliseconds}}}"));
        return client;
    }

    private static JObject OneJsonLine(string stdout)
    {
        Assert.DoesNotContain('\n', stdout);
        return JObject.Parse(stdout);
    }
}
