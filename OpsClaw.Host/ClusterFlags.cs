using System.CommandLine;
using System.Globalization;
using Akka.Configuration;
using Newtonsoft.Json;

namespace OpsClaw.Host;

/// <summary>
/// The cluster flags of <c>serve-sockets</c> (docs/cluster.md): each sets its <c>opsclaw.cluster</c>
/// setting over the <c>--config</c> file, and any of them turns the cluster on.
/// </summary>
internal sealed record ClusterFlags(bool Cluster, string? Hostname, int? Port, IReadOnlyList<string> SeedNodes, IReadOnlyList<string> Roles)
{
    public static ClusterFlags None { get; } = new(false, null, null, [], []);

    /// <summary>Whether any flag was given.</summary>
    public bool Any => Cluster || Hostname is not null || Port is not null || SeedNodes.Count > 0 || Roles.Count > 0;

    /// <summary>The options, to add to a command, and how to read them back from its parse result.</summary>
    public static (Option[] Options, Func<ParseResult, ClusterFlags> Read) CreateOptions()
    {
        var cluster = new Option<bool>("--cluster") { Description = "Join a cluster of hosts (opsclaw.cluster.enabled = on); implied by the flags below." };
        var hostname = new Option<string?>("--cluster-hostname") { Description = "Address the other nodes reach this one at (opsclaw.cluster.hostname)." };
        var port = new Option<int?>("--cluster-port") { Description = "TCP port of the cluster transport (opsclaw.cluster.port)." };
        var seeds = new Option<string[]>("--seed-node") { Description = "host:port of a node to join; repeat for each seed (opsclaw.cluster.seed-nodes)." };
        var roles = new Option<string[]>("--cluster-role") { Description = "A role of this node; repeat for each (opsclaw.cluster.roles)." };
        return (
            [cluster, hostname, port, seeds, roles],
            parse => new ClusterFlags(
                parse.GetValue(cluster),
                parse.GetValue(hostname),
                parse.GetValue(port),
                parse.GetValue(seeds) ?? [],
                parse.GetValue(roles) ?? []));
    }

    /// <summary>The flags as HOCON, to lay over the <c>--config</c> file; empty without any.</summary>
    public Config ToConfig()
    {
        if (!Any)
        {
            return Config.Empty;
        }

        var lines = new List<string> { "opsclaw.cluster.enabled = on" };
        if (Hostname is not null)
        {
            lines.Add("opsclaw.cluster.hostname = " + Quote(Hostname));
        }

        if (Port is { } port)
        {
            lines.Add("opsclaw.cluster.port = " + port.ToString(CultureInfo.InvariantCulture));
        }

        if (SeedNodes.Count > 0)
        {
            lines.Add("opsclaw.cluster.seed-nodes = [" + string.Join(", ", SeedNodes.Select(Quote)) + "]");
        }

        if (Roles.Count > 0)
        {
            lines.Add("opsclaw.cluster.roles = [" + string.Join(", ", Roles.Select(Quote)) + "]");
        }

        return ConfigurationFactory.ParseString(string.Join("\n", lines));
    }

    /// <summary>A JSON string is a HOCON quoted string: whatever the flag holds stays one value.</summary>
    private static string Quote(string text) => JsonConvert.ToString(text);
}
