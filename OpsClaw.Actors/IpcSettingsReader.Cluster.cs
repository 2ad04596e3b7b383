using System.Globalization;
using Akka.Configuration.Hocon;

namespace OpsClaw.Actors;

/// <summary>The <c>opsclaw.cluster</c> block (docs/cluster.md).</summary>
internal sealed partial class IpcSettingsReader
{
    private const string ClusterPath = ClusterSettings.ConfigPath;

    private static readonly string[] ClusterKeys = ["enabled", "hostname", "port", "seed-nodes", "roles", "split-brain-resolver", "stable-after"];

    /// <summary>The keys under <c>opsclaw.cluster</c>.</summary>
    public static IReadOnlyList<string> KnownClusterKeys => ClusterKeys;

    private ClusterSettings? ReadCluster(HoconObject opsclaw)
    {
        if (Block(ClusterPath, opsclaw.Items.GetValueOrDefault("cluster")) is not { } cluster)
        {
            return null;
        }

        var enabled = Boolean((ClusterPath + ".enabled", cluster.Items.GetValueOrDefault("enabled")));
        var hostKey = ClusterPath + ".hostname";
        var hostValue = cluster.Items.GetValueOrDefault("hostname");
        const string HostExpected = "must be the host name or IP address the other nodes reach this one at";
        var hostname = Text(hostKey, hostValue, HostExpected) is { } host && IsHostname(host) ? host : Bad(hostKey, hostValue, HostExpected, "");
        var port = (int)Whole(cluster, "port", 65535, ClusterPath);
        var seeds = Seeds(cluster);
        var roles = Roles(cluster);

        var resolverKey = ClusterPath + ".split-brain-resolver";
        var resolverValue = cluster.Items.GetValueOrDefault("split-brain-resolver");
        const string ResolverExpected = "must be keep-majority or keep-oldest";
        var resolver = Text(resolverKey, resolverValue, ResolverExpected)?.ToLowerInvariant() switch
        {
            null => SplitBrainStrategy.KeepMajority,
            "keep-majority" => SplitBrainStrategy.KeepMajority,
            "keep-oldest" => SplitBrainStrategy.KeepOldest,
            _ => Bad(resolverKey, resolverValue, ResolverExpected, SplitBrainStrategy.KeepMajority),
        };
        var stableAfter = Duration(cluster, "stable-after", ClusterPath);

        Unknown(ClusterPath, cluster, ClusterKeys);
        return new ClusterSettings(enabled, hostname, port, seeds, roles, resolver, stableAfter);
    }

    private List<ClusterSeed> Seeds(HoconObject cluster)
    {
        var key = ClusterPath + ".seed-nodes";
        var value = cluster.Items.GetValueOrDefault("seed-nodes");
        const string Expected = "must be a list of \"host:port\", such as [\"10.0.0.1:4053\", \"10.0.0.2:4053\"]";
        if (value is null || KindOf(value) != Kind.List)
        {
            return Bad(key, value, Expected, new List<ClusterSeed>());
        }

        var seeds = new List<ClusterSeed>();
        foreach (var element in value.GetArray())
        {
            if (KindOf(element) != Kind.Text || ParseSeed(element.GetString() ?? "") is not { } seed)
            {
                _problems.Add($"{key}: {ShowValue(element)} is not host:port with a port from 1 to 65535");
                continue;
            }

            seeds.Add(seed);
        }

        return seeds;
    }

    private List<string> Roles(HoconObject cluster)
    {
        var key = ClusterPath + ".roles";
        var value = cluster.Items.GetValueOrDefault("roles");
        const string Expected = "must be a list of role names such as [\"broker\"], each 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'";
        if (value is null || KindOf(value) != Kind.List)
        {
            return Bad(key, value, Expected, new List<string>());
        }

        var roles = new List<string>();
        foreach (var element in value.GetArray())
        {
            if (KindOf(element) != Kind.Text || element.GetString() is not { } role || !IsPlainName(role, 64))
            {
                return Bad(key, value, $"{Expected} ({ShowValue(element)} is not)", new List<string>());
            }

            roles.Add(role);
        }

        return roles;
    }

    /// <summary>A seed written <c>host:port</c> (an IPv6 address in brackets), or null when it is not one.</summary>
    internal static ClusterSeed? ParseSeed(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return IsHostname(host) ? new ClusterSeed(host, port) : null;
    }

    /// <summary>A name or address the transport can bind and others can dial: no spaces, slashes, '@' or ':' outside an IPv6 address.</summary>
    private static bool IsHostname(string host) =>
        host.Length is > 0 and <= 253
        && host.AsSpan().IndexOfAny(" \t/@#?") < 0
        && (!host.Contains(':') || System.Net.IPAddress.TryParse(host, out _));
}
