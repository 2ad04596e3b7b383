using System.Collections.Immutable;
using System.Globalization;
using Akka.Configuration;

namespace OpsClaw.Actors;

/// <summary>Per-channel socket settings (<c>opsclaw.ipc.channels.&lt;name&gt;</c>).</summary>
public sealed record ChannelSettings(UnixFileMode SocketMode, bool AllowAnyUid, ImmutableArray<uint> AllowedUids)
{
    internal static ChannelSettings Create(Config config, string name)
    {
        var modeText = config.GetString("socket-mode");
        if (modeText is null || !TryParseOctalMode(modeText, out var mode))
        {
            throw new ConfigurationException(
                $"opsclaw.ipc.channels.{name}.socket-mode must be an octal file mode such as \"0600\", not '{modeText}'");
        }

        var uids = config.GetIntList("allowed-uids") ?? [];
        if (uids.Any(uid => uid < 0))
        {
            throw new ConfigurationException($"opsclaw.ipc.channels.{name}.allowed-uids must hold uids of 0 or more");
        }

        return new ChannelSettings(mode, config.GetBoolean("allow-any-uid"), [.. uids.Select(uid => (uint)uid)]);
    }

    private static bool TryParseOctalMode(string text, out UnixFileMode mode)
    {
        mode = default;
        if (text.Length is 0 or > 4 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        mode = (UnixFileMode)Convert.ToInt32(text, 8);
        return true;
    }

    /// <summary>Whether a peer may use this channel: everyone if allowed, else the host's own uid, root, and the listed uids.</summary>
    internal bool Admits(uint peerUid, uint hostUid) =>
        AllowAnyUid || peerUid == 0 || peerUid == hostUid || AllowedUids.Contains(peerUid);
}

/// <summary>
/// Every IPC setting of docs/api-reference.md, "Settings", read from <c>opsclaw.ipc</c>. The embedded
/// <c>hocon/opsclaw.conf</c> supplies each default, so a config only names what it changes.
/// </summary>
public sealed record IpcSettings(
    string SocketDirectory,
    int MaxLineBytes,
    int MaxConnections,
    TimeSpan RequestTimeout,
    TimeSpan? IdleTimeout,
    int MaxJsonDepth,
    TimeSpan ShutdownDrainTimeout,
    int MaxInFlight,
    int ListenBacklog,
    int ReceiveBufferBytes,
    TimeSpan FilesCheckInterval,
    int MaxConnectionBufferedBytes,
    long MaxBufferedBytes,
    ImmutableDictionary<string, ChannelSettings> Channels,
    ChannelSettings DefaultChannel)
{
    public const string ConfigPath = "opsclaw.ipc";

    /// <summary>max-connections of the embedded defaults; at this value the host may cap the total to fit its descriptor limit.</summary>
    internal const int DefaultMaxConnections = 10000;

    /// <summary>Reads the settings from a full config (with <c>opsclaw.ipc</c> in it); missing keys fall back to the embedded defaults.</summary>
    public static IpcSettings Create(Config config)
    {
        var ipc = config.SafeWithFallback(IpcDefaults.Config).GetConfig(ConfigPath);
        var channels = ipc.GetConfig("channels");
        var defaultChannelConfig = ipc.GetConfig("default-channel");
        var defaultChannel = ChannelSettings.Create(defaultChannelConfig, "default-channel");
        var perChannel = channels.Root.GetObject().Items.Keys.ToImmutableDictionary(
            name => name,
            name => ChannelSettings.Create(channels.GetConfig(name).WithFallback(defaultChannelConfig), name),
            StringComparer.Ordinal);

        return new IpcSettings(
            SocketDirectory: NonEmpty(ipc, "socket-dir"),
            MaxLineBytes: Positive(ipc, "max-line-bytes"),
            MaxConnections: Positive(ipc, "max-connections"),
            RequestTimeout: PositiveDuration(ipc, "request-timeout"),
            IdleTimeout: OptionalDuration(ipc, "idle-timeout"),
            MaxJsonDepth: Positive(ipc, "max-json-depth"),
            ShutdownDrainTimeout: PositiveDuration(ipc, "shutdown-drain-timeout"),
            MaxInFlight: Positive(ipc, "max-in-flight"),
            ListenBacklog: Positive(ipc, "listen-backlog"),
            ReceiveBufferBytes: Positive(ipc, "receive-buffer-bytes"),
            FilesCheckInterval: PositiveDuration(ipc, "files-check-interval"),
            MaxConnectionBufferedBytes: Positive(ipc, "max-connection-buffered-bytes"),
            MaxBufferedBytes: PositiveLong(ipc, "max-buffered-bytes"),
            Channels: perChannel,
            DefaultChannel: defaultChannel);
    }

    /// <summary>Settings for a channel: its own block, else <c>default-channel</c>.</summary>
    public ChannelSettings ForChannel(string name) => Channels.TryGetValue(name, out var own) ? own : DefaultChannel;

    private static string NonEmpty(Config config, string key)
    {
        var value = config.GetString(key);
        return string.IsNullOrWhiteSpace(value)
            ? throw new ConfigurationException($"{ConfigPath}.{key} must not be empty")
            : value;
    }

    private static int Positive(Config config, string key)
    {
        var value = config.GetLong(key);
        return value is < 1 or > int.MaxValue
            ? throw new ConfigurationException($"{ConfigPath}.{key} must be a whole number from 1 to {int.MaxValue}, not {value}")
            : (int)value;
    }

    /// <summary>For a host-wide size, which may pass 2 GiB.</summary>
    private static long PositiveLong(Config config, string key)
    {
        var value = config.GetLong(key);
        return value < 1
            ? throw new ConfigurationException($"{ConfigPath}.{key} must be a whole number from 1 to {long.MaxValue}, not {value}")
            : value;
    }

    private static TimeSpan PositiveDuration(Config config, string key) =>
        OptionalDuration(config, key)
        ?? throw new ConfigurationException($"{ConfigPath}.{key} must be a duration above zero such as 30s");

    private static TimeSpan? OptionalDuration(Config config, string key)
    {
        var raw = config.GetString(key);
        if (raw is null || string.Equals(raw, "off", StringComparison.OrdinalIgnoreCase) || raw == "false")
        {
            return null;
        }

        var value = config.GetTimeSpan(key, allowInfinite: false);
        return value > TimeSpan.Zero ? value : null;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"IpcSettings(dir={SocketDirectory}, max-line-bytes={MaxLineBytes}, max-connections={MaxConnections}, request-timeout={RequestTimeout})");
}
