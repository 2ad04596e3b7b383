using Akka.Configuration;

namespace OpsClaw.Actors.Tests.Settings;

/// <summary><c>opsclaw.cluster</c> is checked like every other setting: each problem named, none silently ignored.</summary>
public sealed class ClusterSettingsSpecs
{
    private static (IpcSettings? Settings, string[] Problems) Read(string hocon)
    {
        var (settings, problems) = IpcSettingsReader.Read(ConfigurationFactory.ParseString(hocon));
        return (settings, [.. problems]);
    }

    [Fact]
    public void The_cluster_should_be_off_by_default()
    {
        var (settings, problems) = Read("");

        Assert.Empty(problems);
        Assert.Equal(ClusterSettings.Default with { SeedNodes = settings!.Cluster.SeedNodes, Roles = settings.Cluster.Roles }, settings.Cluster);
        Assert.False(settings.Cluster.Enabled);
        Assert.Empty(settings.Cluster.SeedNodes);
    }

    [Fact]
    public void A_cluster_with_streams_on_postgresql_should_be_accepted()
    {
        var (settings, problems) = Read("""
            opsclaw.cluster.enabled = on
            opsclaw.broker.storage { provider = postgresql, connection-string = "Host=/tmp/pg;Database=opsclaw;Username=opsclaw" }
            opsclaw.broker.streams.orders { subjects = ["orders.>"] }
            """);

        Assert.Empty(problems);
        Assert.True(settings!.Cluster.Enabled);
        Assert.Equal(["orders"], settings.Broker.Streams.Select(stream => stream.Name));
    }

    [Fact]
    public void A_cluster_block_should_read_as_written()
    {
        var (settings, problems) = Read("""
            opsclaw.cluster {
              enabled = on
              hostname = "10.0.0.7"
              port = 5000
              seed-nodes = ["10.0.0.1:4053", "node-b.internal:4053", "[fd00::2]:4053"]
              roles = ["broker", "edge-1"]
              split-brain-resolver = keep-oldest
              stable-after = 7s
            }
            """);

        Assert.Empty(problems);
        var cluster = settings!.Cluster;
        Assert.True(cluster.Enabled);
        Assert.Equal(("10.0.0.7", 5000), (cluster.Hostname, cluster.Port));
        Assert.Equal([new ClusterSeed("10.0.0.1", 4053), new ClusterSeed("node-b.internal", 4053), new ClusterSeed("fd00::2", 4053)], cluster.SeedNodes);
        Assert.Equal(["broker", "edge-1"], cluster.Roles);
        Assert.Equal((SplitBrainStrategy.KeepOldest, TimeSpan.FromSeconds(7)), (cluster.SplitBrainResolver, cluster.StableAfter));
    }

    [Theory]
    [InlineData("opsclaw.cluster.port = 0", "opsclaw.cluster.port = 0: must be a whole number from 1 to 65535")]
    [InlineData("opsclaw.cluster.port = 70000", "opsclaw.cluster.port = 70000: must be a whole number from 1 to 65535")]
    [InlineData("opsclaw.cluster.enabled = maybe", "opsclaw.cluster.enabled = maybe: must be on or off (true/false and yes/no also work)")]
    [InlineData("opsclaw.cluster.hostname = \"a b\"", "opsclaw.cluster.hostname = \"a b\": must be the host name or IP address the other nodes reach this one at")]
    [InlineData("opsclaw.cluster.seed-nodes = [\"10.0.0.1\"]", "opsclaw.cluster.seed-nodes: 10.0.0.1 is not host:port with a port from 1 to 65535")]
    [InlineData("opsclaw.cluster.seed-nodes = [\"akka.tcp://opsclaw@10.0.0.1:4053\"]",
        "opsclaw.cluster.seed-nodes: \"akka.tcp://opsclaw@10.0.0.1:4053\" is not host:port with a port from 1 to 65535")]
    [InlineData("opsclaw.cluster.seed-nodes = \"10.0.0.1:4053\"",
        "opsclaw.cluster.seed-nodes = \"10.0.0.1:4053\": must be a list of \"host:port\", such as [\"10.0.0.1:4053\", \"10.0.0.2:4053\"]")]
    [InlineData("opsclaw.cluster.roles = [\"a role\"]",
        "opsclaw.cluster.roles = [\"a role\"]: must be a list of role names such as [\"broker\"], each 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-' (\"a role\" is not)")]
    [InlineData("opsclaw.cluster.split-brain-resolver = keep-referee", "opsclaw.cluster.split-brain-resolver = keep-referee: must be keep-majority or keep-oldest")]
    [InlineData("opsclaw.cluster.stable-after = never", "opsclaw.cluster.stable-after = never: must be a duration from 1ms to 24d, such as 30s, 500ms or 2m")]
    [InlineData("opsclaw.cluster.seed-node = []", "opsclaw.cluster.seed-node: unknown setting; did you mean opsclaw.cluster.seed-nodes?")]
    [InlineData("opsclaw.cluster { enabled = on }\nopsclaw.broker.streams.orders { subjects = [\"orders.>\"] }",
        "opsclaw.cluster.enabled is on and opsclaw.broker.streams declares orders on SQLite: streams in a cluster need a journal every node shares; set opsclaw.broker.storage.provider = postgresql (docs/cluster.md)")]
    public void A_bad_cluster_setting_should_be_named_with_what_it_must_be(string hocon, string problem)
    {
        var (settings, problems) = Read(hocon);

        Assert.Null(settings);
        Assert.Contains(problem, problems);
    }
}
