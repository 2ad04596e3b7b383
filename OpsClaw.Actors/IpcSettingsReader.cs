using System.Collections.Immutable;
using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace OpsClaw.Actors;

/// <summary>
/// Reads and checks every setting under <c>opsclaw</c> in one pass, collecting every problem rather
/// than stopping at the first: a value of the wrong kind or out of range (naming the key, the value and
/// what is allowed), an unknown key (with the nearest known one), a channel block for a channel that
/// is not served. A pure function of the config: the CLI's <c>config check</c>, <c>serve-sockets</c>
/// and the Akka.Hosting path all judge a config by it.
/// </summary>
internal sealed partial class IpcSettingsReader
{
    private const string Ipc = IpcSettings.ConfigPath;
    private const string DurationExample = "such as 30s, 500ms or 2m";

    private const string BrokerPath = BrokerSettings.ConfigPath;

    private static readonly string[] TopLevelKeys = ["ipc", "broker", "cluster"];

    private static readonly string[] BrokerKeys = ["max-subscriptions-per-connection", "max-queued", "ack-wait", "storage", "streams"];

    private static readonly string[] ChannelKeys = ["socket-mode", "allow-any-uid", "allowed-uids"];

    private static readonly string[] IpcKeys =
    [
        "socket-dir", "max-line-bytes", "max-connections", "request-timeout", "idle-timeout", "max-json-depth",
        "shutdown-drain-timeout", "max-in-flight", "listen-backlog", "receive-buffer-bytes", "files-check-interval",
        "max-connection-buffered-bytes", "max-buffered-bytes", "channels", "default-channel",
    ];

    private readonly List<string> _problems = [];

    private IpcSettingsReader()
    {
    }

    /// <summary>The keys under <c>opsclaw.ipc</c>, in the order of <c>hocon/opsclaw.conf</c>.</summary>
    public static IReadOnlyList<string> KnownKeys => IpcKeys;

    /// <summary>The keys under <c>opsclaw.broker</c>.</summary>
    public static IReadOnlyList<string> KnownBrokerKeys => BrokerKeys;

    /// <summary>The keys of a channel block (and of <c>default-channel</c>).</summary>
    public static IReadOnlyList<string> KnownChannelKeys => ChannelKeys;

    /// <summary>The channels the embedded defaults have a block for (runtime, control): a block for one is never a typo.</summary>
    public static ImmutableArray<string> BuiltInChannelBlocks { get; } =
        [.. IpcDefaults.Config.GetValue(Ipc + ".channels").GetObject().Items.Keys];

    /// <summary>
    /// The settings in <paramref name="config"/> (over the embedded defaults), or null with every
    /// problem found. With <paramref name="servedChannels"/>, a block under <c>channels</c> for any
    /// other channel (besides the built-in ones) is a problem too.
    /// </summary>
    public static (IpcSettings? Settings, ImmutableArray<string> Problems) Read(Config config, IReadOnlyCollection<string>? servedChannels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var reader = new IpcSettingsReader();
        var settings = reader.ReadAll(config.SafeWithFallback(IpcDefaults.Config), servedChannels);
        return settings is not null ? (settings, []) : (null, [.. reader._problems]);
    }

    /// <summary>The problem of each channel block in <paramref name="blocks"/> whose channel is neither served nor built in.</summary>
    public static IEnumerable<string> UnservedChannels(IEnumerable<string> blocks, IReadOnlyCollection<string> servedChannels) =>
        blocks
            .Where(name => !servedChannels.Contains(name) && !BuiltInChannelBlocks.Contains(name))
            .Order(StringComparer.Ordinal)
            .Select(name => $"{Ipc}.channels.{name}: no channel named '{name}' is served"
                + (KeySuggestion.Closest(name, servedChannels) is { } near ? $"; did you mean '{near}'?" : $" (served: {string.Join(", ", servedChannels)})"));

    private IpcSettings? ReadAll(Config config, IReadOnlyCollection<string>? servedChannels)
    {
        if (Block("opsclaw", config.GetValue("opsclaw")) is not { } opsclaw)
        {
            return null;
        }

        if (Block(Ipc, opsclaw.Items.GetValueOrDefault("ipc")) is not { } ipc)
        {
            Unknown("opsclaw", opsclaw, TopLevelKeys);
            return null;
        }

        var broker = ReadBroker(opsclaw);
        var cluster = ReadCluster(opsclaw);

        var socketDirectory = Path(ipc, "socket-dir");
        var maxLineBytes = Positive(ipc, "max-line-bytes");
        var maxConnections = Positive(ipc, "max-connections");
        var requestTimeout = Duration(ipc, "request-timeout");
        var idleTimeout = OptionalDuration(ipc, "idle-timeout");
        var maxJsonDepth = Positive(ipc, "max-json-depth");
        var shutdownDrainTimeout = Duration(ipc, "shutdown-drain-timeout");
        var maxInFlight = Positive(ipc, "max-in-flight");
        var listenBacklog = Positive(ipc, "listen-backlog");
        var receiveBufferBytes = Positive(ipc, "receive-buffer-bytes");
        var filesCheckInterval = Duration(ipc, "files-check-interval");
        var maxConnectionBufferedBytes = Positive(ipc, "max-connection-buffered-bytes");
        var maxBufferedBytes = Whole(ipc, "max-buffered-bytes", long.MaxValue);

        var defaultChannelKey = Ipc + ".default-channel";
        var defaultChannelBlock = Block(defaultChannelKey, ipc.Items.GetValueOrDefault("default-channel"));
        var defaultChannel = defaultChannelBlock is null ? null : Channel(defaultChannelKey, defaultChannelBlock, null);
        var channels = ImmutableDictionary.CreateBuilder<string, ChannelSettings>(StringComparer.Ordinal);
        if (Block(Ipc + ".channels", ipc.Items.GetValueOrDefault("channels")) is { } channelBlocks)
        {
            foreach (var (name, value) in channelBlocks.Items)
            {
                var key = $"{Ipc}.channels.{name}";
                if (Block(key, value) is { } block && Channel(key, block, defaultChannelBlock) is { } channel)
                {
                    channels[name] = channel;
                }
            }

            if (servedChannels is not null)
            {
                _problems.AddRange(UnservedChannels(channelBlocks.Items.Keys, servedChannels));
            }
        }

        if (cluster is { Enabled: true } && broker is { Streams.Count: > 0, Storage.Provider: StorageProvider.Sqlite })
        {
            // A cluster's streams move between nodes: each node's own SQLite file would hold a different stream.
            _problems.Add(
                $"{ClusterPath}.enabled is on and {StreamsPath} declares {string.Join(", ", broker.Streams.Select(stream => stream.Name))} on SQLite: "
                + "streams in a cluster need a journal every node shares; set opsclaw.broker.storage.provider = postgresql (docs/cluster.md)");
        }

        Unknown("opsclaw", opsclaw, TopLevelKeys);
        Unknown(Ipc, ipc, IpcKeys);
        if (_problems.Count > 0)
        {
            return null;
        }

        return new IpcSettings(
            socketDirectory!,
            maxLineBytes,
            maxConnections,
            requestTimeout,
            idleTimeout,
            maxJsonDepth,
            shutdownDrainTimeout,
            maxInFlight,
            listenBacklog,
            receiveBufferBytes,
            filesCheckInterval,
            maxConnectionBufferedBytes,
            maxBufferedBytes,
            channels.ToImmutable(),
            defaultChannel!)
        {
            Broker = broker!,
            Cluster = cluster!,
        };
    }

    /// <summary>The <c>opsclaw.broker</c> block (docs/protocol.md §9), or null after reporting its problems.</summary>
    private BrokerSettings? ReadBroker(HoconObject opsclaw)
    {
        if (Block(BrokerPath, opsclaw.Items.GetValueOrDefault("broker")) is not { } broker)
        {
            return null;
        }

        var maxSubscriptions = Positive(broker, "max-subscriptions-per-connection", BrokerPath);
        var maxQueued = Positive(broker, "max-queued", BrokerPath);
        var ackWait = Duration(broker, "ack-wait", BrokerPath);
        var storage = ReadStorage(broker);
        var streams = ReadStreams(broker);
        Unknown(BrokerPath, broker, BrokerKeys);
        return new BrokerSettings(maxSubscriptions, maxQueued, ackWait) { Storage = storage!, Streams = streams };
    }

    /// <summary>
    /// A channel block; a key it lacks comes from <paramref name="fallback"/> (default-channel), and a
    /// problem with such a key is reported once, under default-channel's name.
    /// </summary>
    private ChannelSettings? Channel(string key, HoconObject block, HoconObject? fallback)
    {
        var before = _problems.Count;
        (string Key, HoconValue? Value) Item(string name) =>
            block.Items.TryGetValue(name, out var own) || fallback is null
                ? ($"{key}.{name}", own)
                : ($"{Ipc}.default-channel.{name}", fallback.Items.GetValueOrDefault(name));

        var mode = Mode(Item("socket-mode"));
        var anyUid = Boolean(Item("allow-any-uid"));
        var uids = Uids(Item("allowed-uids"));
        Unknown(key, block, ChannelKeys);
        return _problems.Count == before ? new ChannelSettings(mode, anyUid, uids) : null;
    }

    private UnixFileMode Mode((string Key, HoconValue? Value) item)
    {
        const string Expected = "must be an octal file mode such as \"0660\" (1 to 4 digits 0-7)";
        var (key, value) = item;
        if (Text(key, value, Expected) is not { } text)
        {
            return default;
        }

        return SettingValues.TryOctalMode(text, out var mode) ? mode : Bad(key, value, Expected, default(UnixFileMode));
    }

    private string? Path(HoconObject ipc, string name)
    {
        const string Expected = "must be a directory path (not empty)";
        var key = $"{Ipc}.{name}";
        var value = ipc.Items.GetValueOrDefault(name);
        if (Text(key, value, Expected) is not { } text)
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(text) ? Bad(key, value, Expected, (string?)null) : text;
    }

    private int Positive(HoconObject ipc, string name, string under = Ipc) => (int)Whole(ipc, name, int.MaxValue, under);

    private long Whole(HoconObject ipc, string name, long max, string under = Ipc)
    {
        var key = $"{under}.{name}";
        var value = ipc.Items.GetValueOrDefault(name);
        var expected = string.Create(CultureInfo.InvariantCulture, $"must be a whole number from 1 to {max}");
        if (Text(key, value, expected) is not { } text)
        {
            return 1;
        }

        return SettingValues.TryWholeNumber(text, out var number) && number >= 1 && number <= max
            ? number
            : Bad(key, value, expected, 1L);
    }

    private TimeSpan Duration(HoconObject ipc, string name, string under = Ipc)
    {
        var key = $"{under}.{name}";
        var value = ipc.Items.GetValueOrDefault(name);
        var expected = $"must be a duration from 1ms to {SettingValues.FormatDuration(SettingValues.MaxDuration)}, {DurationExample}";
        if (Text(key, value, expected) is not { } text)
        {
            return TimeSpan.FromSeconds(1);
        }

        return SettingValues.TryDuration(text, out var duration) && InRange(duration)
            ? duration
            : Bad(key, value, expected, TimeSpan.FromSeconds(1));
    }

    /// <summary>off (or false, or any zero duration) turns it off; otherwise as <see cref="Duration"/>.</summary>
    private TimeSpan? OptionalDuration(HoconObject ipc, string name, string under = Ipc)
    {
        var key = $"{under}.{name}";
        var value = ipc.Items.GetValueOrDefault(name);
        var expected = $"must be off or a duration from 1ms to {SettingValues.FormatDuration(SettingValues.MaxDuration)}, {DurationExample}";
        if (Text(key, value, expected) is not { } text)
        {
            return null;
        }

        if (SettingValues.TryBoolean(text, out var on) && !on)
        {
            return null;
        }

        if (SettingValues.TryDuration(text, out var duration) && (duration == TimeSpan.Zero || InRange(duration)))
        {
            return duration == TimeSpan.Zero ? null : duration;
        }

        return Bad(key, value, expected, (TimeSpan?)null);
    }

    private static bool InRange(TimeSpan duration) => duration >= TimeSpan.FromMilliseconds(1) && duration <= SettingValues.MaxDuration;

    private bool Boolean((string Key, HoconValue? Value) item)
    {
        const string Expected = "must be on or off (true/false and yes/no also work)";
        var (key, value) = item;
        if (Text(key, value, Expected) is not { } text)
        {
            return false;
        }

        return SettingValues.TryBoolean(text, out var flag) ? flag : Bad(key, value, Expected, false);
    }

    private ImmutableArray<uint> Uids((string Key, HoconValue? Value) item)
    {
        const string Expected = "must be a list of uids such as [1001, 1002], each a whole number from 0 to 4294967294";
        var (key, value) = item;
        if (value is null || KindOf(value) != Kind.List)
        {
            return Bad(key, value, Expected, ImmutableArray<uint>.Empty);
        }

        var uids = ImmutableArray.CreateBuilder<uint>();
        foreach (var element in value.GetArray())
        {
            if (KindOf(element) != Kind.Text
                || !SettingValues.TryWholeNumber(element.GetString() ?? "", out var uid)
                || uid is < 0 or >= uint.MaxValue)
            {
                return Bad(key, value, $"{Expected} ({ShowValue(element)} is not)", ImmutableArray<uint>.Empty);
            }

            uids.Add((uint)uid);
        }

        return uids.ToImmutable();
    }

    /// <summary>The value's text, or null after reporting a value that is missing, a list or a block.</summary>
    private string? Text(string key, HoconValue? value, string expected) =>
        value is not null && KindOf(value) == Kind.Text ? value.GetString() : Bad(key, value, expected, (string?)null);

    /// <summary>The value as an object of settings, or null after reporting one that is not.</summary>
    private HoconObject? Block(string key, HoconValue? value)
    {
        if (value is not null && KindOf(value) == Kind.Block)
        {
            return value.GetObject();
        }

        return Bad(key, value, "must be a block of settings, { … }", (HoconObject?)null);
    }

    /// <summary>Reports every key of <paramref name="block"/> that is not one of <paramref name="known"/>, with the nearest known one.</summary>
    private void Unknown(string key, HoconObject block, IReadOnlyCollection<string> known)
    {
        foreach (var name in block.Items.Keys.Where(name => !known.Contains(name)).Order(StringComparer.Ordinal))
        {
            var near = KeySuggestion.Closest(name, known);
            _problems.Add(near is null
                ? $"{key}.{name}: unknown setting (the settings of {key} are {string.Join(", ", known)})"
                : $"{key}.{name}: unknown setting; did you mean {key}.{near}?");
        }
    }

    private T Bad<T>(string key, HoconValue? value, string expected, T fallback)
    {
        var problem = value is null || KindOf(value) == Kind.Nothing
            ? $"{key} has no value; it {expected}"
            : $"{key} = {ShowValue(value)}: {expected}";

        // A default-channel value every custom channel inherits is one problem, not one per channel.
        if (!_problems.Contains(problem))
        {
            _problems.Add(problem);
        }

        return fallback;
    }

    private static string ShowValue(HoconValue value) => KindOf(value) switch
    {
        Kind.Block => "{ … }",
        Kind.List => "[" + string.Join(", ", value.GetArray().Select(ShowValue)) + "]",
        Kind.Text => SettingValues.Show(value.GetString()),
        _ => "(nothing)",
    };

    private static Kind KindOf(HoconValue value) =>
        value.IsEmpty ? Kind.Nothing
        : value.IsObject() ? Kind.Block
        : value.IsArray() || value.Values is [HoconArray] ? Kind.List
        : value.IsString() && value.GetString() is not null ? Kind.Text
        : Kind.Nothing;

    private enum Kind
    {
        Nothing,
        Text,
        List,
        Block,
    }
}
