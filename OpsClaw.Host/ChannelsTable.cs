using OpsClaw.Actors.Contracts;

namespace OpsClaw.Host;

/// <summary>Renders a <c>control.channels</c> report: one row per channel with its socket and message types.</summary>
internal static class ChannelsTable
{
    private static readonly string[] Headings = ["CHANNEL", "SOCKET", "MESSAGE TYPES"];

    public static string Render(ChannelsReport report)
    {
        var rows = new List<string[]> { Headings };
        rows.AddRange(report.Channels.Select(channel => new[]
        {
            channel.Name,
            channel.SocketPath,
            channel.MessageTypes.Count == 0 ? "-" : string.Join(' ', channel.MessageTypes),
        }));
        return TextTable.Render(rows, TextTable.Widths(rows, [0, 0, 0]), new HashSet<int>());
    }
}
