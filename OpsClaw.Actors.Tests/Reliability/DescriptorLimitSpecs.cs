using System.Net.Sockets;
using System.Text;
using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// The opsclaw executable under a file descriptor limit lower than its clients: it must refuse what
/// it cannot hold with <c>overloaded</c>, never abort, and serve again once clients leave.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DescriptorLimitSpecs : IDisposable
{
    private const string Prlimit = "/usr/bin/prlimit";
    private const int Clients = 300;
    private readonly TempSocketDir _dir = new();
    private readonly ITestOutputHelper _output;

    public DescriptorLimitSpecs(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_default_max_connections_constant_should_be_the_embedded_default()
    {
        Assert.Equal(IpcSettings.DefaultMaxConnections, IpcSettings.Create(Akka.Configuration.Config.Empty).MaxConnections);
    }

    [Fact]
    public async Task A_max_connections_the_descriptor_limit_cannot_hold_should_refuse_to_start_with_exit_2_and_one_line()
    {
        var config = Path.Combine(_dir.Path, "many.conf");
        await File.WriteAllTextAsync(config, "opsclaw.ipc.max-connections = 1000\n");

        var result = await HostProcess.RunAsync(
            _dir.Path, Prlimit, "--nofile=600:600", HostProcess.ExecutablePath, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--config", config);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(
            "^opsclaw: max-connections 1000 on each of 2 sockets needs \\d+ file descriptors \\(\\d+ of them kept for the host itself\\), " +
            "but the limit is 600; set opsclaw.ipc.max-connections to at most \\d+ or raise the limit \\(ulimit -n, LimitNOFILE= in a systemd unit\\)$",
            line);
    }

    [Fact]
    public async Task A_host_that_runs_out_of_descriptors_should_refuse_with_overloaded_stay_up_and_serve_once_clients_leave()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();

        // Lowered under the running host, as when something else in the process took the descriptors it
        // planned on: room for about 40 connections beside the 64 it keeps free for the runtime.
        var open = OpenDescriptors(host.Pid);
        var limit = open + 64 + 40;
        var prlimit = await HostProcess.RunAsync(_dir.Path, Prlimit, "--pid", host.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), $"--nofile={limit}:{limit}");
        Assert.True(prlimit.ExitCode == 0, prlimit.Stderr);

        var clients = new List<Socket>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var (served, refused, reset) = (0, 0, 0);
            for (var i = 0; i < Clients; i++)
            {
                var client = await ConnectAsync(_dir.Socket("runtime"));
                clients.Add(client);
                switch (await PingAsync(client))
                {
                    case "runtime.pong":
                        served++;
                        break;
                    case "overloaded":
                        refused++;
                        break;
                    case "reset":
                        reset++;
                        break;
                    case var other:
                        Assert.Fail($"client {i} got {other}");
                        break;
                }
            }

            _output.WriteLine($"limit {limit}: {served} clients served, {refused} refused with overloaded, {reset} reset");
            Assert.False(HasExited(host.Pid), "the host died");
            Assert.InRange(served, 1, limit - open);
            Assert.True(refused > reset, $"{refused} refusals read, {reset} resets");
            Assert.Equal(Clients, served + refused + reset);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }

        // The descriptors come back as the connections close; a new client is served again.
        string? answer = null;
        for (var attempt = 0; attempt < 100 && answer != "runtime.pong"; attempt++)
        {
            using var client = await ConnectAsync(_dir.Socket("runtime"));
            answer = await PingAsync(client);
            if (answer != "runtime.pong")
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal("runtime.pong", answer);
        // Once, then at most one line per 10 s interval, however many clients were refused.
        var reports = host.Stderr.Split('\n').Count(line => line.Contains("file descriptors", StringComparison.Ordinal));
        Assert.InRange(reports, 1, 1 + (int)(started.Elapsed.TotalSeconds / 10));
        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task A_default_max_connections_over_the_limit_should_cap_the_host_wide_total_and_refuse_the_rest_with_overloaded()
    {
        using var host = HostProcess.Start(
            _dir.Path, Prlimit, "--nofile=400:400", HostProcess.ExecutablePath, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--verbose");
        await host.WaitForReadyAsync();
        await host.WaitForStderrAsync(stderr => stderr.Contains("connections are capped at", StringComparison.Ordinal));
        var capacity = int.Parse(
            System.Text.RegularExpressions.Regex.Match(host.Stderr, "connections are capped at (\\d+) in total").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);

        var clients = new List<Socket>();
        try
        {
            var (served, refused) = (0, 0);
            for (var i = 0; i < capacity + 20; i++)
            {
                var client = await ConnectAsync(_dir.Socket("runtime"));
                clients.Add(client);
                var answer = await PingAsync(client);
                served += answer == "runtime.pong" ? 1 : 0;
                refused += answer == "overloaded" ? 1 : 0;
            }

            // The cap, planned before the sockets were bound; the headroom check, made against what the
            // process holds once bound, may stop a little earlier (by less than the headroom).
            _output.WriteLine($"capacity {capacity}: {served} served, {refused} refused");
            Assert.InRange(served, capacity - 64, capacity);
            Assert.Equal(capacity + 20, served + refused);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }

        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    private static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    private static bool HasExited(int pid) => !Directory.Exists($"/proc/{pid}");

    private static async Task<Socket> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
        return socket;
    }

    /// <summary>Sends a ping and returns the reply's message type, or its error code for an error.</summary>
    private static async Task<string> PingAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(RawConnection.Request("runtime.ping", "p")), SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            // A refused client may be closed before it writes; its refusal line is still there to read.
        }

        byte[]? line;
        try
        {
            (line, _) = await new ByteLineReader(client).ReadLineAsync(timeout.Token);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // A client that writes after the host closed on it (refused through the spare descriptor) may see a reset.
            return "reset";
        }

        if (line is null)
        {
            return "end of stream";
        }

        var reply = Newtonsoft.Json.Linq.JObject.Parse(Encoding.UTF8.GetString(line));
        return (string?)reply["error_code"] ?? (string)reply["message_type"]!;
    }
}
