using System.Globalization;
using System.Text;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host;

/// <summary>
/// Renders a <c>control.cluster</c> report: a line naming the member count and the leader, then one
/// row per member, its address followed by <c>(self)</c> and <c>(leader)</c> where they apply, so a
/// person sees which node answered and which one leads without comparing addresses, and which node
/// hosts each durable stream. A host outside
/// any cluster gets one line saying so instead of an empty table.
/// </summary>
internal static class ClusterTable
{
    /// <summary>What a host whose <c>opsclaw.cluster.enabled</c> is off prints.</summary>
    public const string Off = "cluster: off (this host serves its machine alone; see opsclaw.cluster in docs/cluster.md)";

    private static readonly string[] Headings = ["ADDRESS", "STATUS", "REACHABLE", "ROLES", "SUBSCRIPTIONS", "GROUPS", "STREAMS"];

    private static readonly HashSet<int> Figures = [4];

    public static string Render(ClusterReport report)
    {
        if (!report.Enabled)
        {
            return Off;
        }

        var rows = new List<string[]> { Headings };
        rows.AddRange(report.Members.Select(member => new[]
        {
            Address(member.Address, report),
            member.Status,
            member.Reachable ? "yes" : "no",
            member.Roles.Count == 0 ? "-" : string.Join(',', member.Roles),
            member.Subscriptions.ToString(CultureInfo.InvariantCulture),
            member.Groups.Count == 0 ? "-" : string.Join(", ", member.Groups.Select(Group)),
            member.Streams.Count == 0 ? "-" : string.Join(", ", member.Streams),
        }));

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"members {report.Members.Count}  leader {report.Leader ?? "none"}\n");
        text.Append(TextTable.Render(rows, TextTable.Widths(rows, new int[Headings.Length]), Figures));
        return text.ToString();
    }

    private static string Address(string address, ClusterReport report)
    {
        var marks = new List<string>(2);
        if (address == report.Self)
        {
            marks.Add("self");
        }

        if (address == report.Leader)
        {
            marks.Add("leader");
        }

        return marks.Count == 0 ? address : $"{address} ({string.Join(", ", marks)})";
    }

    /// <summary>A group as <c>w on jobs.> ×2</c>: its name, its pattern, and how many of its members are on that node.</summary>
    private static string Group(ClusterGroupInfo group) =>
        string.Create(CultureInfo.InvariantCulture, $"{group.Name} on {group.Pattern} ×{group.Members}");
}
