using System.Globalization;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host;

/// <summary>
/// Renders a <c>control.topics</c> report: one row per subscription, by pattern. A queue group gets a
/// row of its own before its members' (subscription and connection <c>-</c>): its queue, and the sums
/// of its members' figures.
/// </summary>
internal static class TopicsTable
{
    private static readonly string[] Headings =
        ["PATTERN", "GROUP", "SUBSCRIPTION", "CONNECTION", "ACK", "PENDING", "QUEUED", "DELIVERED", "REDELIVERED", "DROPPED"];

    private static readonly HashSet<int> Figures = [5, 6, 7, 8, 9];

    public static string Render(TopicsReport report)
    {
        var rows = new List<string[]> { Headings };
        foreach (var pattern in report.Patterns)
        {
            rows.AddRange(pattern.Subscriptions.Select(subscription => Row(pattern.Pattern, "-", subscription)));
            foreach (var group in pattern.Groups)
            {
                rows.Add(
                [
                    pattern.Pattern, group.Name, "-", "-", group.Ack,
                    Number(group.Members.Sum(member => member.Pending)),
                    Number(group.Queued),
                    Number(group.Members.Sum(member => member.Delivered)),
                    Number(group.Members.Sum(member => member.Redelivered)),
                    Number(group.Members.Sum(member => member.Dropped)),
                ]);
                rows.AddRange(group.Members.Select(member => Row(pattern.Pattern, group.Name, member)));
            }
        }

        return TextTable.Render(rows, TextTable.Widths(rows, new int[Headings.Length]), Figures);
    }

    private static string[] Row(string pattern, string group, SubscriptionInfo subscription) =>
    [
        pattern, group, subscription.Subscription, subscription.Connection, subscription.Ack,
        Number(subscription.Pending), Number(subscription.Queued), Number(subscription.Delivered),
        Number(subscription.Redelivered), Number(subscription.Dropped),
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
