using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// The sample host of docs/extending.md (samples/OpsClaw.Samples), an application that embeds OpsClaw
/// through Akka.Hosting and serves the echo channel beside runtime and control, run as a process: how
/// it starts and stops, and what the library does for a custom channel in a real process.
/// </summary>
public sealed class SampleHostSpecs : IDisposable
{
    private const int SigTerm = 15;
    private const int SigInt = 2;
    private readonly TempSocketDir _dir = new();

    public SampleHostSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    /// <summary>Starts the sample host on this spec's directory, with <paramref name="hocon"/> as its settings file when given, once it is ready.</summary>
    private async Task<HostProcess> StartAsync(string? hocon = null)
    {
        string[] args = [HostProcess.SampleExecutablePath, _dir.SocketDir];
        if (hocon is not null)
        {
            var settings = Path.Combine(_dir.Path, "sample.conf");
            await File.WriteAllTextAsync(settings, hocon + "\n");
            args = [.. args, settings];
        }

        return await HostProcess.StartReadyAsync(_dir.Path, args);
    }

    /// <summary>Runs <c>opsclaw ipc send</c> against one of this spec's sockets.</summary>
    private Task<(int ExitCode, string Stdout, string Stderr)> SendAsync(string channel, string messageType, params string[] extra) =>
        HostProcess.RunAsync(_dir.Path, ["ipc", "send", "--socket", _dir.Socket(channel), "--type", messageType, .. extra]);

    [Fact]
    public async Task Sample_host_should_print_the_ready_line_with_echo_answer_it_and_exit_0_on_control_stop_removing_its_files()
    {
        using var host = HostProcess.Start(_dir.Path, HostProcess.SampleExecutablePath, _dir.SocketDir);

        var ready = await host.WaitForReadyAsync();
        Assert.Equal($"opsclaw ipc ready runtime={_dir.Socket("runtime")} control={_dir.Socket("control")} echo={_dir.Socket("echo")}", ready);

        var say = await SendAsync("echo", "echo.say", "--payload", "{\"Text\":\"hello\"}");
        Assert.Equal(0, say.ExitCode);
        Assert.Contains("\"payload_json\":\"{\\\"Text\\\":\\\"hello\\\",\\\"Length\\\":5}\"", say.Stdout, StringComparison.Ordinal);
        var channels = await SendAsync("control", "control.channels");
        Assert.Equal(0, channels.ExitCode);
        var listed = JObject.Parse((string)JObject.Parse(channels.Stdout)["payload_json"]!)["channels"]!;
        Assert.Equal(["runtime", "control", "echo"], listed.Select(channel => (string?)channel["name"]));

        var stop = await SendAsync("control", "control.stop");
        Assert.Equal(0, stop.ExitCode);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Equal([ready], host.StdoutLines.Select(line => line.Line));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task Sample_host_should_stop_gracefully_on_a_signal_and_remove_its_files(int signal)
    {
        using var host = await StartAsync();

        host.Signal(signal);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    /// <summary>
    /// The embedded case of a bind failure: IHost.StartAsync throws (the host logs it as critical), and the
    /// program exits 2 with a line that names the setting to change, never a flag of the CLI.
    /// </summary>
    [Fact]
    public async Task Sample_host_should_fail_its_start_and_exit_2_naming_the_setting_on_a_directory_another_host_serves()
    {
        using var first = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await first.WaitForReadyAsync();

        var second = await HostProcess.RunAsync(_dir.Path, HostProcess.SampleExecutablePath, _dir.SocketDir);
        var usage = await HostProcess.RunAsync(_dir.Path, HostProcess.SampleExecutablePath);

        Assert.Equal(2, second.ExitCode);
        Assert.Equal(
            $"OpsClaw.Samples: socket directory {_dir.SocketDir} is in use by another opsclaw host (pid {first.Pid}); " +
            "stop it first or choose another socket directory (setting opsclaw.ipc.socket-dir)",
            Assert.Single(second.Stderr.Split('\n'), line => line.StartsWith("OpsClaw.Samples: ", StringComparison.Ordinal)));
        Assert.Contains("crit: Akka.Hosting.AkkaHostedService", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--dir", second.Stderr + second.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("opsclaw ipc ready", second.Stdout, StringComparison.Ordinal);
        Assert.Equal((2, "", "usage: OpsClaw.Samples <socket-dir> [<settings.conf>]"), usage);
        Assert.Equal(0, (await SendAsync("runtime", "runtime.ping")).ExitCode);
    }

    [Fact]
    public async Task Sample_host_should_apply_its_settings_file_to_the_echo_channel()
    {
        using var host = await StartEchoWithUidsAsync();

        var say = await SendAsync("echo", "echo.say", "--payload", "{\"Text\":\"hello\"}");
        Assert.Equal(0, say.ExitCode);
        Assert.Equal((UnixFileMode)Convert.ToInt32("666", 8), File.GetUnixFileMode(_dir.Socket("echo")));
    }

    /// <summary>uid 65534 is admitted on echo.sock (its own allowed-uids) and refused on runtime.sock.</summary>
    [RootFact]
    public async Task Echo_channel_should_admit_the_uids_it_lists_which_runtime_refuses()
    {
        using var host = await StartEchoWithUidsAsync();
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)Convert.ToInt32("711", 8));
        File.SetUnixFileMode(_dir.SocketDir, (UnixFileMode)Convert.ToInt32("711", 8));
        var asNobody = new[] { "/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "HOME=/tmp", HostProcess.ExecutablePath, "ipc", "send", "--type" };

        var echo = await HostProcess.RunAsync(_dir.Path, [.. asNobody, "echo.tally", "--socket", _dir.Socket("echo")]);
        var runtime = await HostProcess.RunAsync(_dir.Path, [.. asNobody, "runtime.ping", "--socket", _dir.Socket("runtime")]);

        Assert.True(echo.ExitCode == 0, $"exit {echo.ExitCode}: {echo.Stdout} {echo.Stderr}");
        Assert.Equal("echo.tally.ok", (string?)JObject.Parse(echo.Stdout)["message_type"]);
        Assert.True(runtime.ExitCode == 1, $"exit {runtime.ExitCode}: {runtime.Stdout} {runtime.Stderr}");
        Assert.Equal("forbidden", (string?)JObject.Parse(runtime.Stdout)["error_code"]);
    }

    private Task<HostProcess> StartEchoWithUidsAsync() => StartAsync("""
        opsclaw.ipc.channels.echo { socket-mode = "0666", allow-any-uid = off, allowed-uids = [65534] }
        opsclaw.ipc.channels.runtime { socket-mode = "0666", allow-any-uid = off }
        """);

    [Fact]
    public async Task A_handler_that_hangs_through_the_drain_should_be_cut_off_at_the_drain_timeout_and_the_host_exit_0()
    {
        using var host = await StartAsync("opsclaw.ipc.shutdown-drain-timeout = 1s");
        using var connection = await RawConnection.ConnectAsync(_dir.Socket("echo"));

        // Written before the signal, so the drain must handle it (read or still in the kernel); it hangs.
        await connection.WriteAsync(RawConnection.Request("echo.sleep", "hung", "{\"Ms\":60000}"));
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        host.Signal(SigTerm);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"the host took {stopping.Elapsed} to stop with a 1 s drain timeout");
        Assert.Null(await connection.ReadLineAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    [Fact]
    public async Task Twenty_thousand_crashing_requests_should_log_one_stack_trace_not_twenty_thousand()
    {
        using var host = await StartAsync();
        const int count = 20_000;

        using var connection = await RawConnection.ConnectAsync(_dir.Socket("echo"));
        var requests = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(RawConnection.Request("echo.crash", "c"), count)));
        var sending = connection.WriteAsync(requests);
        for (var i = 0; i < count; i++)
        {
            var reply = await connection.ReadLineAsync();
            Assert.True(reply is not null && reply.Contains("\"error_code\":\"handler_failed\"", StringComparison.Ordinal), $"reply {i}: {reply}");
        }

        await sending;
        var control = await SendAsync("control", "control.stop");
        Assert.Equal(0, control.ExitCode);
        Assert.Equal(0, await host.WaitForExitAsync());
        var stderr = host.Stderr;
        Assert.True(stderr.Length < 16 * 1024, $"{stderr.Length} characters of stderr");
        Assert.Equal(1, stderr.Split("Handler actor 'tally' for 'echo.crash' on channel 'echo' failed (run_id c);").Length - 1);
    }
}
