using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>serve-sockets</c>'s cluster flags set <c>opsclaw.cluster</c> over the config file and are
/// checked with it: a bad one stops the host before it starts, naming the setting, exit 2.
/// </summary>
public sealed class CliClusterFlagsSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public CliClusterFlagsSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("opsclaw.cluster.seed-nodes: nowhere is not host:port with a port from 1 to 65535", "--seed-node", "nowhere")]
    [InlineData("opsclaw.cluster.port = 0: must be a whole number from 1 to 65535", "--cluster-port", "0")]
    [InlineData("opsclaw.cluster.hostname = \"a/b\": must be the host name or IP address the other nodes reach this one at", "--cluster-hostname", "a/b")]
    [InlineData("opsclaw.cluster.roles = [\"no way\"]: must be a list of role names such as [\"broker\"], each 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-' (\"no way\" is not)", "--cluster-role", "no way")]
    public async Task A_bad_cluster_flag_should_stop_the_host_before_it_starts(string problem, params string[] args)
    {
        var result = await HostProcess.RunAsync(_dir.Path, ["ipc", "serve-sockets", "--dir", _dir.SocketDir, .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"opsclaw: invalid configuration: {problem}", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.SocketDir), "no socket directory is made for a host that does not start");
    }

    [Fact]
    public async Task A_cluster_node_given_no_seeds_should_form_a_cluster_of_its_own()
    {
        var port = LoopbackCluster.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var host = await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--cluster-hostname", "127.0.0.1", "--cluster-port", port);

        await using var control = await Actors.Client.IpcClient.ConnectAsync(_dir.Socket("control"));
        var self = $"akka.tcp://opsclaw@127.0.0.1:{port}";
        var deadline = DateTime.UtcNow + LoopbackCluster.Wait;
        var report = await control.ClusterAsync();
        while (!(report.Members.Count == 1 && report.Members[0].Status == "up") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            report = await control.ClusterAsync();
        }

        Assert.Equal((self, self), (report.Self, report.Leader));
        Assert.Equal((self, "up"), (Assert.Single(report.Members).Address, report.Members[0].Status));
    }

    [Fact]
    public async Task A_cluster_with_streams_on_sqlite_should_be_refused_for_want_of_a_shared_journal()
    {
        var config = Path.Combine(_dir.Path, "streams.conf");
        await File.WriteAllTextAsync(config, "opsclaw.broker.streams.orders { subjects = [\"orders.>\"] }\n");

        var result = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--config", config, "--cluster");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("streams in a cluster need a journal every node shares; set opsclaw.broker.storage.provider = postgresql", result.Stderr, StringComparison.Ordinal);
    }
}
