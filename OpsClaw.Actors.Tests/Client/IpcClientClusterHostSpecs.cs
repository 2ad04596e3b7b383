using OpsClaw.Actors.Client;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Sockets;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// <see cref="IpcClient.ClusterAsync"/> against the real host with <c>opsclaw.cluster.enabled</c> off,
/// the default: the report says so rather than failing, and only the control socket answers it.
/// </summary>
public sealed class IpcClientClusterHostSpecs : SocketSpecBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Cluster_on_a_host_outside_a_cluster_should_report_it_disabled_with_no_self_leader_or_members()
    {
        var binding = await StartAsync();
        await using var control = await IpcClient.ConnectAsync(binding.PathOf("control"));

        var report = await control.ClusterAsync(Bound);

        Assert.False(report.Enabled);
        Assert.Null(report.Self);
        Assert.Null(report.Leader);
        Assert.Empty(report.Members);
    }

    [Fact]
    public async Task Cluster_on_the_runtime_socket_should_throw_unsupported_message_type()
    {
        var binding = await StartAsync();
        await using var runtime = await IpcClient.ConnectAsync(binding.PathOf("runtime"));

        var failure = await Assert.ThrowsAsync<IpcRequestException>(() => runtime.ClusterAsync(Bound));

        Assert.Equal((IpcErrors.UnsupportedMessageTypeCode, MessageTypes.ControlCluster), (failure.ErrorCode, failure.RequestType));
    }
}
