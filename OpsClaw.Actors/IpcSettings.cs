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

    /// <summary>
    /// Reads the settings from a full config (with <c>opsclaw.ipc</c> in it); missing keys fall back to
    /// the embedded defaults. Every key under <c>opsclaw</c> is checked before anything is used.
    /// </summary>
    /// <param name="config">The actor system's config, or any config holding <c>opsclaw.ipc</c> keys.</param>
    /// <returns>The settings, every value checked.</returns>
    /// <exception cref="IpcSettingsException">
    /// a value is of the wrong kind or out of range, or a key under <c>opsclaw</c> is unknown; its
    /// <see cref="IpcSettingsException.Problems"/> lists every one, each naming its key.
    /// </exception>
    public static IpcSettings Create(Config config)
    {
        var (settings, problems) = IpcSettingsReader.Read(config);
        return settings ?? throw new IpcSettingsException(problems);
    }

    /// <summary>The broker's settings, <c>opsclaw.broker</c> (docs/protocol.md §9).</summary>
    public BrokerSettings Broker { get; init; } = BrokerSettings.Default;

    /// <summary>The cluster's settings, <c>opsclaw.cluster</c> (docs/cluster.md).</summary>
    public ClusterSettings Cluster { get; init; } = ClusterSettings.Default;

    /// <summary>Settings for a channel: its own block, else <c>default-channel</c>.</summary>
    /// <param name="name">The channel's name.</param>
    /// <returns>The settings its socket is made with.</returns>
    public ChannelSettings ForChannel(string name) => Channels.TryGetValue(name, out var own) ? own : DefaultChannel;

    /// <summary>The settings most often asked about, for a log line.</summary>
    /// <returns>The socket directory, line and connection limits and request timeout.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"IpcSettings(dir={SocketDirectory}, max-line-bytes={MaxLineBytes}, max-connections={MaxConnections}, request-timeout={RequestTimeout})");
}
