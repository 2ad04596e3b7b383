using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw pub</c>, <c>sub</c> and <c>topics</c>, and the broker line of <c>status</c>
/// (docs/api-reference.md, "Command line"), run as the real executable against a real host.
/// </summary>
public sealed class CliBrokerSpecs : IDisposable
{
    private const int SigInt = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempSocketDir _dir = new();

    public CliBrokerSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => HostProcess.RunAsync(_dir.Path, args);

    private Task<HostProcess> StartHostAsync() => HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

    [Fact]
    public async Task Sub_with_a_count_should_print_each_delivery_of_pub_as_one_line_and_exit_0()
    {
        using var host = await StartHostAsync();
        using var sub = HostProcess.Start(_dir.Path, "sub", "runs.>", "--count", "3", "--dir", _dir.SocketDir);
        await TopicsUntilAsync(report => report.Patterns.Any(pattern => pattern.Pattern == "runs.>"));
        var file = Path.Combine(_dir.Path, "body.json");
        await File.WriteAllTextAsync(file, "{ \"a\" : \"b\" }\n");

        Assert.Equal((0, "matched 1", ""), await RunAsync("pub", "runs.r1", "{\"step\": 1}", "--key", "r1", "--dir", _dir.SocketDir));
        Assert.Equal((0, "matched 0", ""), await RunAsync("pub", "other.x", "1", "--dir", _dir.SocketDir));
        Assert.Equal((0, "matched 1", ""), await HostProcess.RunAsync(_dir.Path, new Dictionary<string, string>(), "[true]\n"u8.ToArray(), "pub", "runs.r2", "-", "--dir", _dir.SocketDir));
        Assert.Equal((0, "{\"matched\":1}", ""), await RunAsync("pub", "runs.r3", "@" + file, "--run-id", "run-3", "--json", "--dir", _dir.SocketDir));

        Assert.Equal(0, await sub.WaitForExitAsync());
        Assert.Equal(
            "{\"subscription\":\"s1\",\"topic\":\"runs.r1\",\"delivery\":1,\"redelivered\":false,\"body\":{\"step\":1},\"key\":\"r1\"}\n" +
            "{\"subscription\":\"s1\",\"topic\":\"runs.r2\",\"delivery\":2,\"redelivered\":false,\"body\":[true]}\n" +
            "{\"subscription\":\"s1\",\"topic\":\"runs.r3\",\"delivery\":3,\"redelivered\":false,\"body\":{\"a\":\"b\"}}",
            sub.Stdout);
        Assert.Equal("", sub.Stderr);
        await TopicsUntilAsync(report => report.Patterns.Count == 0);
    }

    [Fact]
    public async Task Sub_with_explicit_acks_should_ack_what_it_printed_and_leave_to_its_group_what_a_closed_reader_never_got()
    {
        using var host = await StartHostAsync();
        var first = Path.Combine(_dir.Path, "first.txt");

        // The reader takes one line, closes its end of the pipe, and only then says what it read.
        var script =
            $"'{HostProcess.ExecutablePath}' sub 'jobs.>' --group g --ack explicit --dir '{_dir.SocketDir}' " +
            $"| {{ read -r line; exec 0<&-; printf '%s\\n' \"$line\" > '{first}.part'; mv '{first}.part' '{first}'; }}; exit ${{PIPESTATUS[0]}}";
        using var pipeline = HostProcess.Start(_dir.Path, "/bin/bash", "-c", script);
        await TopicsUntilAsync(report => report.Patterns.Any(pattern => pattern.Groups.Any(group => group.Members.Count == 1)));

        Assert.Equal((0, "matched 1", ""), await RunAsync("pub", "jobs.1", "\"one\"", "--dir", _dir.SocketDir));
        await UntilAsync(() => File.Exists(first));
        Assert.Equal("{\"subscription\":\"s1\",\"topic\":\"jobs.1\",\"delivery\":1,\"redelivered\":false,\"body\":\"one\"}\n", await File.ReadAllTextAsync(first));

        // Nobody reads sub's output any more: its next write fails, and it unsubscribes without acking.
        Assert.Equal((0, "matched 1", ""), await RunAsync("pub", "jobs.2", "\"two\"", "--dir", _dir.SocketDir));
        Assert.Equal(0, await pipeline.WaitForExitAsync());
        Assert.Equal("", pipeline.Stderr);

        // The group kept the unacknowledged one for its next member; the acked one is gone for good.
        await using var client = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        await using var member = await client.SubscribeAsync("jobs.>", new SubscribeOptions { Group = "g", Ack = AckMode.Explicit });
        Assert.Equal(1, await client.PublishAsync("jobs.3", "\"three\""));
        var deliveries = await member.TakeAsync(2);
        Assert.Equal([("\"two\"", true), ("\"three\"", false)], deliveries.Select(delivery => (delivery.Body, delivery.Redelivered)));
    }

    [Fact]
    public async Task Sub_should_exit_0_on_SIGINT_and_leave_no_subscription_behind()
    {
        using var host = await StartHostAsync();
        using var sub = HostProcess.Start(_dir.Path, "sub", "alerts.*", "--dir", _dir.SocketDir);
        await TopicsUntilAsync(report => report.Patterns.Count == 1);

        sub.Signal(SigInt);

        Assert.Equal(0, await sub.WaitForExitAsync());
        Assert.Equal(("", ""), (sub.Stdout, sub.Stderr));
        await TopicsUntilAsync(report => report.Patterns.Count == 0);
    }

    [Fact]
    public async Task Sub_should_exit_2_when_the_host_stops_under_it()
    {
        using var host = await StartHostAsync();
        using var sub = HostProcess.Start(_dir.Path, "sub", "alerts.*", "--dir", _dir.SocketDir);
        await TopicsUntilAsync(report => report.Patterns.Count == 1);

        Assert.Equal(0, (await RunAsync("stop", "--dir", _dir.SocketDir)).ExitCode);

        Assert.Equal(2, await sub.WaitForExitAsync());
        Assert.Equal(
            $"opsclaw: the host serving {_dir.SocketDir} is stopping or has stopped: {_dir.Socket("runtime")} closed the connection",
            sub.Stderr);
    }

    [Fact]
    public async Task Topics_should_list_subscriptions_and_groups_with_their_figures()
    {
        using var host = await StartHostAsync();
        await using var loose = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        await using var worker1 = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        await using var worker2 = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        var watching = await loose.SubscribeAsync("runs.>");
        var explicitAck = new SubscribeOptions { Group = "workers", Ack = AckMode.Explicit, MaxPending = 5 };
        var members = new[] { await worker1.SubscribeAsync("jobs.*", explicitAck), await worker2.SubscribeAsync("jobs.*", explicitAck) };

        Assert.Equal(1, await loose.PublishAsync("jobs.a", "1"));
        Assert.Equal(1, await loose.PublishAsync("jobs.b", "2"));
        Assert.Equal(1, await loose.PublishAsync("runs.x", "3"));
        Assert.Single(await watching.TakeAsync(1));
        foreach (var member in members)
        {
            Assert.Single(await member.TakeAsync(1));
        }

        var topics = await RunAsync("topics", "--dir", _dir.SocketDir);

        Assert.Equal((0, ""), (topics.ExitCode, topics.Stderr));
        var lines = topics.Stdout.Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Matches("^PATTERN +GROUP +SUBSCRIPTION +CONNECTION +ACK +PENDING +QUEUED +DELIVERED +REDELIVERED +DROPPED$", lines[0]);
        Assert.Matches(@"^jobs\.\* +workers +- +- +explicit +2 +0 +2 +0 +0$", lines[1]);
        Assert.Matches(@"^jobs\.\* +workers +s1 +\S+ +explicit +1 +0 +1 +0 +0$", lines[2]);
        Assert.Matches(@"^jobs\.\* +workers +s1 +\S+ +explicit +1 +0 +1 +0 +0$", lines[3]);
        Assert.Matches(@"^runs\.> +- +s1 +\S+ +none +0 +0 +1 +0 +0$", lines[4]);

        // Figures end under the end of their heading.
        var pendingEnd = lines[0].IndexOf("PENDING", StringComparison.Ordinal) + "PENDING".Length;
        Assert.All(lines[1..], line => Assert.Equal(' ', line[pendingEnd]));
        Assert.All(lines[1..], line => Assert.True(char.IsAsciiDigit(line[pendingEnd - 1]), line));

        var json = await RunAsync("topics", "--dir", _dir.SocketDir, "--json");
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(["jobs.*", "runs.>"], JObject.Parse(json.Stdout)["patterns"]!.Select(pattern => (string?)pattern["pattern"]));
    }

    [Fact]
    public async Task Status_should_end_with_the_broker_totals()
    {
        using var host = await StartHostAsync();
        await using var client = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        await using var subscription = await client.SubscribeAsync("t");
        Assert.Equal(1, await client.PublishAsync("t", "{}"));
        Assert.Single(await subscription.TakeAsync(1));

        var status = await RunAsync("status", "--dir", _dir.SocketDir);

        Assert.Equal(0, status.ExitCode);
        Assert.Equal("broker  subscriptions 1  published 1  delivered 1  redelivered 0  dropped 0  refused 0", status.Stdout.Split('\n')[^1]);
    }

    [Fact]
    public async Task Pub_and_sub_should_say_what_is_wrong_with_exit_1_for_the_host_refusal_and_2_for_bad_input()
    {
        var noHost = await RunAsync("sub", "runs.>", "--dir", _dir.SocketDir);
        Assert.Equal((2, ""), (noHost.ExitCode, noHost.Stdout));
        Assert.StartsWith($"opsclaw: cannot connect to {_dir.Socket("runtime")}: the file does not exist", noHost.Stderr, StringComparison.Ordinal);

        using var host = await StartHostAsync();

        var badTopic = await RunAsync("pub", "runs..r1", "{}", "--dir", _dir.SocketDir);
        Assert.Equal((1, ""), (badTopic.ExitCode, badTopic.Stdout));
        Assert.StartsWith("opsclaw: runtime.publish failed: invalid_payload: invalid payload for 'runtime.publish': ", badTopic.Stderr, StringComparison.Ordinal);

        var badPattern = await RunAsync("sub", "runs.>.x", "--dir", _dir.SocketDir);
        Assert.Equal((1, ""), (badPattern.ExitCode, badPattern.Stdout));
        Assert.StartsWith("opsclaw: runtime.subscribe failed: invalid_payload: invalid payload for 'runtime.subscribe': ", badPattern.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', badPattern.Stderr);

        var notJson = await RunAsync("pub", "runs.r1", "{'a':1}", "--dir", _dir.SocketDir);
        Assert.Equal((2, ""), (notJson.ExitCode, notJson.Stdout));
        Assert.StartsWith("opsclaw: the body is not a JSON document: ", notJson.Stderr, StringComparison.Ordinal);

        var missing = await RunAsync("pub", "runs.r1", "@" + Path.Combine(_dir.Path, "nope.json"), "--dir", _dir.SocketDir);
        Assert.Equal((2, "", $"opsclaw: cannot read the payload from {Path.Combine(_dir.Path, "nope.json")}: the file does not exist"), missing);
    }

    /// <summary>Asks control.topics until <paramref name="done"/> holds; fails after the bound.</summary>
    private async Task TopicsUntilAsync(Func<TopicsReport, bool> done)
    {
        await using var control = await IpcClient.ConnectAsync(_dir.Socket("control"));
        TopicsReport? report = null;
        await UntilAsync(async () =>
        {
            var reply = await control.SendAsync(MessageTypes.ControlTopics, timeout: Bound);
            Assert.True(reply.Ok, reply.Error);
            report = JsonConvert.DeserializeObject<TopicsReport>(reply.PayloadJson)!;
            return done(report);
        });
    }

    private static Task UntilAsync(Func<bool> done) => UntilAsync(() => Task.FromResult(done()));

    /// <summary>Polls every 50 ms, for at most the bound: there is no event to await for another process's progress.</summary>
    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within " + Bound);
            await Task.Delay(50);
        }
    }

}
