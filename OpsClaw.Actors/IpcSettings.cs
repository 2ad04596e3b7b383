using System.Collections.Immutable;
using System.Globalization;
using Akka.Configuration;

namespace OpsClaw.Actors;

/// <summary>Per-channel socket settings (<c>opsclaw.ipc.channels.&lt;name&gt;</c>).</summary>
/// <param name="SocketMode">The socket file's mode, set before <c>listen()</c> (<c>socket-mode</c>).</param>
/// <param name="AllowAnyUid">Admit every peer uid that the file mode lets connect (<c>allow-any-uid</c>).</param>
/// <param name="AllowedUids">Peer uids admitted besides the host's own and root when <paramref name="AllowAnyUid"/> is off (<c>allowed-uids</c>).</param>
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
/// Made by <see cref="Create"/>; the table of docs/api-reference.md says what each setting does.
/// </summary>
/// <param name="SocketDirectory"><c>socket-dir</c>: the directory of the sockets and the lock file.</param>
/// <param name="MaxLineBytes"><c>max-line-bytes</c>: the longest request line accepted.</param>
/// <param name="MaxConnections"><c>max-connections</c>: open connections allowed per socket.</param>
/// <param name="RequestTimeout"><c>request-timeout</c>: how long a handler may take.</param>
/// <param name="IdleTimeout"><c>idle-timeout</c>: when a quiet connection is closed; null when off.</param>
/// <param name="MaxJsonDepth"><c>max-json-depth</c>: the deepest JSON nesting accepted.</param>
/// <param name="ShutdownDrainTimeout"><c>shutdown-drain-timeout</c>: how long requests already received may take on shutdown.</param>
/// <param name="MaxInFlight"><c>max-in-flight</c>: unanswered requests per connection before reading pauses.</param>
/// <param name="ListenBacklog"><c>listen-backlog</c>: the <c>listen()</c> backlog of each socket.</param>
/// <param name="ReceiveBufferBytes"><c>receive-buffer-bytes</c>: bytes read per receive call.</param>
/// <param name="FilesCheckInterval"><c>files-check-interval</c>: how often the host checks that its files are still its own.</param>
/// <param name="MaxConnectionBufferedBytes"><c>max-connection-buffered-bytes</c>: what one connection may hold for its client.</param>
/// <param name="MaxBufferedBytes"><c>max-buffered-bytes</c>: what all connections together may hold.</param>
/// <param name="Channels"><c>channels</c>: the settings of each channel that has a block of its own.</param>
/// <param name="DefaultChannel"><c>default-channel</c>: the settings of every other channel.</param>
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
    /// <summary>Where the settings live in a config: <c>opsclaw.ipc</c>.</summary>
    public const string ConfigPath = "opsclaw.ipc";

    /// <summary>max-connections of the embedded defaults; at this value the host may cap the total to fit its descriptor limit.</summary>
    internal const int DefaultMaxConnections = 10000;

    /// <summary>Reads the settings from a full config (with <c>opsclaw.ipc</c> in it); missing keys fall back to the embedded defaults.</summary>
    /// <param name="config">The actor system's config, or any config holding <c>opsclaw.ipc</c> keys.</param>
    /// <returns>The settings, every value checked.</returns>
    /// <exception cref="ConfigurationException">a value is out of range or of the wrong kind; the message names the key.</exception>
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
    /// <param name="name">The channel's name.</param>
    /// <returns>The settings its socket is made with.</returns>
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

    /// <summary>The settings most often asked about, for a log line.</summary>
    /// <returns>The socket directory, line and connection limits and request timeout.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"IpcSettings(dir={SocketDirectory}, max-line-bytes={MaxLineBytes}, max-connections={MaxConnections}, request-timeout={RequestTimeout})");
}
