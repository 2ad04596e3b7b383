using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// <see cref="IpcClient.ClusterAsync"/> against a <see cref="ScriptedPeer"/> playing a host in a
/// cluster (docs/cluster.md): what it sends, the report it reads back, and how an error reply or a
/// payload that is not a report fails. No cluster is needed.
/// </summary>
public sealed class IpcClientClusterSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly PeerDir _host = new("control.sock");

    public void Dispose() => _host.Dispose();

    private const string Report =
        "{\"enabled\":true,\"self\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"leader\":\"akka.tcp://opsclaw@10.0.0.2:4053\",\"members\":[" +
        "{\"address\":\"akka.tcp://opsclaw@10.0.0.1:4053\",\"status\":\"up\",\"reachable\":true,\"roles\":[\"edge\"],\"subscriptions\":3," +
        "\"groups\":[{\"name\":\"w\",\"pattern\":\"jobs.>\",\"members\":2}],\"streams\":[\"orders\"]}," +
        "{\"address\":\"akka.tcp://opsclaw@10.0.0.2:4053\",\"status\":\"leaving\",\"reachable\":false,\"roles\":[],\"subscriptions\":0,\"groups\":[],\"streams\":[]}]}";

    [Fact]
    public async Task Cluster_should_send_control_cluster_and_read_every_member_of_the_report()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var asking = client.ClusterAsync(Bound);
        Assert.Equal((MessageTypes.ControlCluster, "{}"), Request(await host.ReadLineAsync()));
        await host.WriteAsync(Reply(MessageTypes.ControlClusterOk, Report));

        var report = await asking.WaitAsync(Bound);
        Assert.Equal((true, "akka.tcp://opsclaw@10.0.0.1:4053", "akka.tcp://opsclaw@10.0.0.2:4053"), (report.Enabled, report.Self, report.Leader));
        Assert.Equal(2, report.Members.Count);
        var self = report.Members[0];
        Assert.Equal(("akka.tcp://opsclaw@10.0.0.1:4053", "up", true, 3), (self.Address, self.Status, self.Reachable, self.Subscriptions));
        Assert.Equal(["edge"], self.Roles);
        Assert.Equal(new ClusterGroupInfo("w", "jobs.>", 2), Assert.Single(self.Groups));
        Assert.Equal(["orders"], self.Streams);
        var leaving = report.Members[1];
        Assert.Equal(("leaving", false, 0), (leaving.Status, leaving.Reachable, leaving.Subscriptions));
        Assert.Empty(leaving.Roles);
        Assert.Empty(leaving.Groups);
    }

    [Fact]
    public async Task Cluster_should_throw_an_error_reply_with_its_code_and_a_payload_that_is_not_a_report_as_an_IOException()
    {
        await using var client = await IpcClient.ConnectAsync(_host.Peer.Path);
        using var host = await _host.Peer.AcceptAsync();

        var refused = client.ClusterAsync(Bound);
        await host.ReadLineAsync();
        await host.WriteAsync(IpcCodec.EncodeResponse(IpcResponse.Failure(IpcErrors.UnsupportedMessageTypeCode, "unsupported control message_type 'control.cluster'", null)));
        var failure = await Assert.ThrowsAsync<IpcRequestException>(() => refused.WaitAsync(Bound));
        Assert.Equal((IpcErrors.UnsupportedMessageTypeCode, MessageTypes.ControlCluster), (failure.ErrorCode, failure.RequestType));

        // "members" is required: a reply without it is not a cluster report, even with enabled false.
        var garbled = client.ClusterAsync(Bound);
        await host.ReadLineAsync();
        await host.WriteAsync(Reply(MessageTypes.ControlClusterOk, "{\"enabled\":false,\"self\":null,\"leader\":null}"));
        var unreadable = await Assert.ThrowsAsync<IOException>(() => garbled.WaitAsync(Bound));
        Assert.StartsWith($"{_host.Peer.Path} answered control.cluster with a payload that is not a cluster report: ", unreadable.Message, StringComparison.Ordinal);
    }

    private static (string Type, string Payload) Request(string? line)
    {
        Assert.NotNull(line);
        var request = JObject.Parse(line);
        return ((string)request["message_type"]!, (string)request["payload_json"]!);
    }

    private static byte[] Reply(string type, string payload) => IpcCodec.EncodeResponse(IpcResponse.Success(type, null, payload));
}
