using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw cluster</c> (docs/api-reference.md, "Command line"), the real executable against a
/// <see cref="ScriptedPeer"/> playing a host in a cluster through <c>--socket</c>: what it sends and
/// how it prints the members, this node and the leader. No cluster is needed.
/// </summary>
public sealed class CliClusterSpecs : IDisposable
{
    private readonly PeerDir _host = new("peer.sock");

    public void Dispose() => _host.Dispose();

    private const string Report =
        "{\"enabled\":true,\"self\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"leader\":\"akka.tcp://opsclaw@10.0.0.2:4053\",\"members\":[" +
        "{\"address\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"status\":\"up\",\"reachable\":true,\"roles\":[\"edge\"],\"subscriptions\":3," +
        "\"groups\":[{\"name\":\"w\",\"pattern\":\"jobs.>\",\"members\":2}],\"streams\":[\"audit\",\"orders\"]}," +
        "{\"address\":\"akka.tcp://opsclaw@10.0.0.2:4053\",\"status\":\"up\",\"reachable\":true,\"roles\":[\"core\",\"edge\"],\"subscriptions\":0,\"groups\":[],\"streams\":[]}," +
        "{\"address\":\"akka.tcp://opsclaw@10.0.0.3:4053\",\"status\":\"leaving\",\"reachable\":false,\"roles\":[],\"subscriptions\":12," +
        "\"groups\":[{\"name\":\"w\",\"pattern\":\"jobs.>\",\"members\":1},{\"name\":\"audit\",\"pattern\":\"logs.*\",\"members\":1}],\"streams\":[\"jobs\"]}]}";

    private const string Off = "{\"enabled\":false,\"self\":null,\"leader\":null,\"members\":[]}";

    [Fact]
    public async Task Cluster_should_print_a_row_per_member_with_this_node_and_the_leader_marked()
    {
        var running = HostProcess.RunAsync(_host.Dir.Path, "cluster", "--socket", _host.Peer.Path);
        await AnswerAsync(Report);

        var (exitCode, stdout, stderr) = await running;

        Assert.Equal((0, ""), (exitCode, stderr));
        var lines = stdout.Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Equal("members 3  leader akka.tcp://opsclaw@10.0.0.2:4053", lines[0]);
        Assert.Matches("^ADDRESS +STATUS +REACHABLE +ROLES +SUBSCRIPTIONS +GROUPS +STREAMS$", lines[1]);
        Assert.Matches(@"^akka\.tcp://opsclaw@10\.0\.0\.1:4053 \(self\) +up +yes +edge +3 +w on jobs\.> ×2 +audit, orders$", lines[2]);
        Assert.Matches(@"^akka\.tcp://opsclaw@10\.0\.0\.2:4053 \(leader\) +up +yes +core,edge +0 +- +-$", lines[3]);
        Assert.Matches(@"^akka\.tcp://opsclaw@10\.0\.0\.3:4053 +leaving +no +- +12 +w on jobs\.> ×1, audit on logs\.\* ×1 +jobs$", lines[4]);

        // The subscription counts end under the end of their heading.
        var end = lines[1].IndexOf("SUBSCRIPTIONS", StringComparison.Ordinal) + "SUBSCRIPTIONS".Length;
        Assert.All(lines[2..], line => Assert.Equal(' ', line[end]));
        Assert.All(lines[2..], line => Assert.NotEqual(' ', line[end - 1]));
    }

    [Fact]
    public async Task Cluster_should_mark_a_node_that_is_both_self_and_leader_and_say_when_there_is_no_leader()
    {
        const string Alone =
            "{\"enabled\":true,\"self\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"leader\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"members\":[" +
            "{\"address\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"status\":\"up\",\"reachable\":true,\"roles\":[],\"subscriptions\":0,\"groups\":[],\"streams\":[]}]}";
        var leading = HostProcess.RunAsync(_host.Dir.Path, "cluster", "--socket", _host.Peer.Path);
        await AnswerAsync(Alone);
        var (exitCode, stdout, stderr) = await leading;
        Assert.Equal((0, ""), (exitCode, stderr));
        Assert.Matches(@"^akka\.tcp://opsclaw@10\.0\.0\.1:4053 \(self, leader\) +up +yes +- +0 +- +-$", stdout.Split('\n')[2]);

        const string Joining =
            "{\"enabled\":true,\"self\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"leader\":null,\"members\":[" +
            "{\"address\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"status\":\"joining\",\"reachable\":true,\"roles\":[],\"subscriptions\":0,\"groups\":[],\"streams\":[]}]}";
        var leaderless = HostProcess.RunAsync(_host.Dir.Path, "cluster", "--socket", _host.Peer.Path);
        await AnswerAsync(Joining);
        var lines = (await leaderless).Stdout.Split('\n');
        Assert.Equal("members 1  leader none", lines[0]);
        Assert.Matches(@"^akka\.tcp://opsclaw@10\.0\.0\.1:4053 \(self\) +joining +yes +- +0 +- +-$", lines[2]);
    }

    [Fact]
    public async Task Cluster_off_should_print_one_line_and_json_the_payload_as_the_host_sent_it()
    {
        var words = HostProcess.RunAsync(_host.Dir.Path, "cluster", "--socket", _host.Peer.Path);
        await AnswerAsync(Off);
        Assert.Equal((0, "cluster: off (this host serves its machine alone; see opsclaw.cluster in docs/cluster.md)", ""), await words);

        var json = HostProcess.RunAsync(_host.Dir.Path, "cluster", "--json", "--socket", _host.Peer.Path);
        await AnswerAsync(Report);
        Assert.Equal((0, Report, ""), await json);
    }

    [Fact]
    public async Task Cluster_refused_by_the_host_should_exit_1_naming_the_error_code()
    {
        var refused = HostProcess.RunAsync(_host.Dir.Path, "cluster", "--socket", _host.Peer.Path);
        using (var host = await _host.Peer.AcceptAsync())
        {
            await host.ReadLineAsync();
            await host.WriteAsync(IpcCodec.EncodeResponse(IpcResponse.Failure(IpcErrors.UnsupportedMessageTypeCode, "unsupported control message_type 'control.cluster'", null)));
        }

        Assert.Equal(
            (1, "", "opsclaw: control.cluster failed: unsupported_message_type: unsupported control message_type 'control.cluster'"),
            await refused);
    }

    /// <summary>Takes the command's one request, checks it is <c>control.cluster</c> with <c>{}</c>, and answers <paramref name="payload"/>.</summary>
    private async Task AnswerAsync(string payload)
    {
        using var host = await _host.Peer.AcceptAsync();
        var line = await host.ReadLineAsync();
        Assert.NotNull(line);
        var request = JObject.Parse(line);
        Assert.Equal((MessageTypes.ControlCluster, "{}"), ((string)request["message_type"]!, (string)request["payload_json"]!));
        await host.WriteAsync(IpcCodec.EncodeResponse(IpcResponse.Success(MessageTypes.ControlClusterOk, null, payload)));
    }
}
