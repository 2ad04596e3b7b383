using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw pub</c>, <c>sub --stream --durable</c> and <c>streams</c> as the real executable against a
/// real host declaring a stream (docs/broker.md, "Streams"). These need the host's stream support.
/// </summary>
public sealed class CliStreamHostSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public CliStreamHostSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => HostProcess.RunAsync(_dir.Path, args);

    private async Task<HostProcess> StartHostAsync()
    {
        var config = Path.Combine(_dir.Path, "opsclaw.conf");
        await File.WriteAllTextAsync(
            config,
            $"opsclaw.broker.storage.sqlite-file = \"{Path.Combine(_dir.Path, "broker.db")}\"\nopsclaw.broker.streams.orders {{ subjects = [\"orders.>\"] }}\n");
        return await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--config", config, "--dir", _dir.SocketDir);
    }

    [Fact]
    public async Task Pub_should_print_the_seq_and_a_durable_sub_should_print_the_stored_messages_then_resume_after_them()
    {
        using var host = await StartHostAsync();

        Assert.Equal((0, "matched 0  stream orders  seq 1", ""), await RunAsync("pub", "orders.o1", "{\"n\":1}", "--dir", _dir.SocketDir));
        Assert.Equal((0, "matched 0  stream orders  seq 2", ""), await RunAsync("pub", "orders.o2", "{\"n\":2}", "--key", "k2", "--dir", _dir.SocketDir));
        Assert.Equal((0, "{\"matched\":0,\"stream\":\"orders\",\"seq\":3}", ""), await RunAsync("pub", "orders.o3", "3", "--json", "--dir", _dir.SocketDir));
        Assert.Equal((0, "matched 0", ""), await RunAsync("pub", "runs.r1", "{}", "--dir", _dir.SocketDir));

        var first = await RunAsync("sub", "--stream", "orders", "--durable", "worker", "--start", "all", "--count", "2", "--dir", _dir.SocketDir);
        Assert.Equal(
            (0,
             "{\"subscription\":\"s1\",\"topic\":\"orders.o1\",\"delivery\":1,\"redelivered\":false,\"body\":{\"n\":1},\"stream\":\"orders\",\"seq\":1}\n" +
             "{\"subscription\":\"s1\",\"topic\":\"orders.o2\",\"delivery\":2,\"redelivered\":false,\"body\":{\"n\":2},\"key\":\"k2\",\"stream\":\"orders\",\"seq\":2}",
             ""),
            first);

        // The durable acked 1 and 2 as it printed them: the next sub of it starts at 3, whatever --start says.
        // 3 went to the first sub too (it was pending when that one left unacked), so it comes marked redelivered.
        var next = await RunAsync("sub", "--stream", "orders", "--durable", "worker", "--start", "all", "--count", "1", "--dir", _dir.SocketDir);
        Assert.Equal((0, "{\"subscription\":\"s1\",\"topic\":\"orders.o3\",\"delivery\":1,\"redelivered\":true,\"body\":3,\"stream\":\"orders\",\"seq\":3}", ""), next);

        var streams = await RunAsync("streams", "--dir", _dir.SocketDir);
        Assert.Equal((0, ""), (streams.ExitCode, streams.Stderr));
        var lines = streams.Stdout.Split('\n');
        Assert.Equal("storage sqlite  streams 1", lines[0]);
        Assert.Matches(@"^orders +- +orders\.> +ready +1 +3 +3 +\d+ +- +- +-$", lines[2]);
        Assert.Matches(@"^orders +worker +> +- +- +- +- +- +3 +0 +0$", lines[3]);
    }

    [Fact]
    public async Task A_stream_delivery_that_sub_never_printed_should_stay_unacked_for_the_next_member()
    {
        using var host = await StartHostAsync();
        Assert.Equal(0, (await RunAsync("pub", "orders.o1", "1", "--dir", _dir.SocketDir)).ExitCode);
        var first = Path.Combine(_dir.Path, "first.txt");

        // The reader takes one line, closes its end of the pipe, and only then says what it read.
        var script =
            $"'{HostProcess.ExecutablePath}' sub --stream orders --durable w --start all --dir '{_dir.SocketDir}' " +
            $"| {{ read -r line; exec 0<&-; printf '%s\\n' \"$line\" > '{first}.part'; mv '{first}.part' '{first}'; }}; exit ${{PIPESTATUS[0]}}";
        using var pipeline = HostProcess.Start(_dir.Path, "/bin/bash", "-c", script);
        await UntilAsync(() => File.Exists(first));
        Assert.EndsWith("\"seq\":1}\n", await File.ReadAllTextAsync(first), StringComparison.Ordinal);

        // Nobody reads sub's output any more: its next write fails, and it leaves without acking seq 2.
        Assert.Equal(0, (await RunAsync("pub", "orders.o2", "2", "--dir", _dir.SocketDir)).ExitCode);
        Assert.Equal(0, await pipeline.WaitForExitAsync());
        Assert.Equal("", pipeline.Stderr);

        await using var client = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        await using var member = await client.SubscribeAsync(">", new SubscribeOptions { Stream = "orders", Durable = "w" });
        var again = Assert.Single(await member.TakeAsync(1));
        Assert.Equal(2L, again.Seq);
    }

    /// <summary>Polls every 50 ms for at most 30 s: there is no event to await for another process's progress.</summary>
    private static async Task UntilAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(50);
        }
    }
}
