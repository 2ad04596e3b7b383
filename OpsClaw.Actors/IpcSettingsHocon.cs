using System.Globalization;
using System.Text;

namespace OpsClaw.Actors;

/// <summary>
/// Settings written back as HOCON, every key with its effective value, in the order of
/// <c>hocon/opsclaw.conf</c>: what <c>opsclaw config show</c> prints. Read back with
/// <see cref="IpcSettings.Create"/>, the text gives the same settings.
/// </summary>
internal static class IpcSettingsHocon
{
    public static string Write(IpcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var hocon = new StringBuilder();
        hocon.Append(IpcSettings.ConfigPath).Append(" {\n");
        Line(hocon, 1, "socket-dir", SettingValues.Quote(settings.SocketDirectory));
        Line(hocon, 1, "max-line-bytes", Number(settings.MaxLineBytes));
        Line(hocon, 1, "max-connections", Number(settings.MaxConnections));
        Line(hocon, 1, "request-timeout", SettingValues.FormatDuration(settings.RequestTimeout));
        Line(hocon, 1, "idle-timeout", settings.IdleTimeout is { } idle ? SettingValues.FormatDuration(idle) : "off");
        Line(hocon, 1, "max-json-depth", Number(settings.MaxJsonDepth));
        Line(hocon, 1, "shutdown-drain-timeout", SettingValues.FormatDuration(settings.ShutdownDrainTimeout));
        Line(hocon, 1, "max-in-flight", Number(settings.MaxInFlight));
        Line(hocon, 1, "listen-backlog", Number(settings.ListenBacklog));
        Line(hocon, 1, "receive-buffer-bytes", Number(settings.ReceiveBufferBytes));
        Line(hocon, 1, "files-check-interval", SettingValues.FormatDuration(settings.FilesCheckInterval));
        Line(hocon, 1, "max-connection-buffered-bytes", Number(settings.MaxConnectionBufferedBytes));
        Line(hocon, 1, "max-buffered-bytes", Number(settings.MaxBufferedBytes));
        hocon.Append("  channels {\n");
        foreach (var name in ChannelOrder(settings))
        {
            Channel(hocon, 2, Key(name), settings.Channels[name]);
        }

        hocon.Append("  }\n");
        Channel(hocon, 1, "default-channel", settings.DefaultChannel);
        hocon.Append("}\n");
        hocon.Append(BrokerSettings.ConfigPath).Append(" {\n");
        Line(hocon, 1, "max-subscriptions-per-connection", Number(settings.Broker.MaxSubscriptionsPerConnection));
        Line(hocon, 1, "max-queued", Number(settings.Broker.MaxQueued));
        Line(hocon, 1, "ack-wait", SettingValues.FormatDuration(settings.Broker.AckWait));
        hocon.Append("}\n");
        return hocon.ToString();
    }

    /// <summary>The built-in channels first, as the defaults list them, then the others by name.</summary>
    private static IEnumerable<string> ChannelOrder(IpcSettings settings) =>
        settings.Channels.Keys
            .OrderBy(name => IpcSettingsReader.BuiltInChannelBlocks.IndexOf(name) is var index and >= 0 ? index : int.MaxValue)
            .ThenBy(name => name, StringComparer.Ordinal);

    private static void Channel(StringBuilder hocon, int depth, string key, ChannelSettings channel)
    {
        hocon.Append(' ', depth * 2).Append(key).Append(" {\n");
        Line(hocon, depth + 1, "socket-mode", SettingValues.Quote(SettingValues.FormatMode(channel.SocketMode)));
        Line(hocon, depth + 1, "allow-any-uid", channel.AllowAnyUid ? "on" : "off");
        Line(hocon, depth + 1, "allowed-uids", "[" + string.Join(", ", channel.AllowedUids.Select(uid => Number(uid))) + "]");
        hocon.Append(' ', depth * 2).Append("}\n");
    }

    /// <summary>A channel name as a HOCON key: quoted unless plain, since a '.' in it would read as a path.</summary>
    private static string Key(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? name : SettingValues.Quote(name);

    private static void Line(StringBuilder hocon, int depth, string key, string value) =>
        hocon.Append(' ', depth * 2).Append(key).Append(" = ").Append(value).Append('\n');

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
