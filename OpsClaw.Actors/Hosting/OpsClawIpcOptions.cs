using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Actors.Hosting;

/// <summary>Per-channel overrides; a null property keeps the HOCON value.</summary>
public sealed class ChannelOptions
{
    /// <summary>Octal file mode such as "0600".</summary>
    public string? SocketMode { get; set; }

    /// <summary>Admit every peer uid that the socket's file mode lets connect (<c>allow-any-uid</c>).</summary>
    public bool? AllowAnyUid { get; set; }

    /// <summary>
    /// Peer uids admitted besides the host's own and root when <see cref="AllowAnyUid"/> is off
    /// (<c>allowed-uids</c>); others get one <c>forbidden</c> line and are disconnected.
    /// </summary>
    public IReadOnlyList<uint>? AllowedUids { get; set; }
}

/// <summary>
/// Code-side settings for <c>WithOpsClawIpc</c> (<see cref="OpsClawIpcHostingExtensions"/>), after Akka.Hosting's
/// plugin options: every property is nullable, and only the ones set become HOCON that is
/// prepended over the config, so a value set here beats both a config file and the defaults.
/// </summary>
public sealed class OpsClawIpcOptions
{
    private readonly Dictionary<string, ChannelOptions> _channelOptions = new(StringComparer.Ordinal);

    /// <summary>Directory of the sockets and the lock file (<c>socket-dir</c>); a relative path is taken from the working directory.</summary>
    public string? SocketDirectory { get; set; }

    /// <summary>Longest request line accepted, in bytes (<c>max-line-bytes</c>); a longer one is answered <c>frame_too_large</c>.</summary>
    public int? MaxLineBytes { get; set; }

    /// <summary>Open connections allowed per socket (<c>max-connections</c>); the next one is answered <c>overloaded</c> and closed.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>How long a handler may take before the client gets <c>timeout</c> (<c>request-timeout</c>).</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>
    /// Close a connection after this long with no traffic and nothing in flight (<c>idle-timeout</c>);
    /// <see cref="TimeSpan.Zero"/> turns the idle timeout off.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Deepest JSON nesting accepted in the envelope and in <c>payload_json</c> (<c>max-json-depth</c>).</summary>
    public int? MaxJsonDepth { get; set; }

    /// <summary>On shutdown, how long requests already received may take to be answered (<c>shutdown-drain-timeout</c>).</summary>
    public TimeSpan? ShutdownDrainTimeout { get; set; }

    /// <summary>Unanswered requests per connection before the host stops reading from it (<c>max-in-flight</c>).</summary>
    public int? MaxInFlight { get; set; }

    /// <summary>The <c>listen()</c> backlog of each socket (<c>listen-backlog</c>).</summary>
    public int? ListenBacklog { get; set; }

    /// <summary>Bytes one connection may hold for its client before the host stops reading from it (<c>max-connection-buffered-bytes</c>).</summary>
    public int? MaxConnectionBufferedBytes { get; set; }

    /// <summary>Bytes all connections together may hold before the host stops reading from those that hold any (<c>max-buffered-bytes</c>).</summary>
    public long? MaxBufferedBytes { get; set; }

    /// <summary>
    /// Serve the listening sockets a supervisor passed to the process (systemd socket activation:
    /// <c>LISTEN_FDS</c>, <c>LISTEN_PID</c>, <c>LISTEN_FDNAMES</c>) instead of binding new ones, when
    /// there are any. Set by the <c>opsclaw</c> host; not part of the public API yet.
    /// </summary>
    internal bool AdoptPassedSockets { get; set; }

    /// <summary>
    /// What a refusal to start does to the application; by default the host's start fails
    /// (<see cref="IpcStartFailure.FailHostStart"/>). Not a HOCON setting: it is the application's choice.
    /// </summary>
    public IpcStartFailure OnStartFailure { get; set; } = IpcStartFailure.FailHostStart;

    /// <summary>The channels to serve; the built-in runtime and control channels unless replaced.</summary>
    public List<ChannelDefinition> Channels { get; } = [.. ChannelDefinition.BuiltIn()];

    /// <summary>
    /// Serves a custom channel on <c>&lt;name&gt;.sock</c>, its actor a <typeparamref name="TChannel"/>
    /// created by the IPC root (and named <paramref name="name"/>) and registered in the
    /// <c>ActorRegistry</c> under <typeparamref name="TChannel"/>. <paramref name="configure"/> sets its
    /// socket mode and admitted uids; unset ones come from <c>opsclaw.ipc.channels.&lt;name&gt;</c>, else
    /// <c>default-channel</c>.
    /// </summary>
    public OpsClawIpcOptions AddChannel<TChannel>(string name, Action<ChannelOptions>? configure = null)
        where TChannel : ActorBase, new() =>
        AddChannel(name, Props.Create<TChannel>(), typeof(TChannel), configure);

    /// <summary>Serves a custom channel whose actor is made from <paramref name="props"/> (for constructors with arguments).</summary>
    public OpsClawIpcOptions AddChannel(string name, Props props, Type registryKey, Action<ChannelOptions>? configure = null)
    {
        Channels.Add(new ChannelDefinition(name, props, registryKey));
        configure?.Invoke(Channel(name));
        return this;
    }

    /// <summary>Overrides for one channel's socket mode and admitted uids.</summary>
    public ChannelOptions Channel(string name)
    {
        if (!_channelOptions.TryGetValue(name, out var options))
        {
            options = new ChannelOptions();
            _channelOptions[name] = options;
        }

        return options;
    }

    /// <summary>The HOCON for every property that is set; empty when none is.</summary>
    public Config ToConfig()
    {
        var hocon = new StringBuilder();
        Add(hocon, "socket-dir", SocketDirectory is null ? null : Quote(SocketDirectory));
        Add(hocon, "max-line-bytes", MaxLineBytes);
        Add(hocon, "max-connections", MaxConnections);
        Add(hocon, "request-timeout", Duration(RequestTimeout));
        Add(hocon, "idle-timeout", IdleTimeout is { } idle ? (idle <= TimeSpan.Zero ? "off" : Duration(idle)) : null);
        Add(hocon, "max-json-depth", MaxJsonDepth);
        Add(hocon, "shutdown-drain-timeout", Duration(ShutdownDrainTimeout));
        Add(hocon, "max-in-flight", MaxInFlight);
        Add(hocon, "listen-backlog", ListenBacklog);
        Add(hocon, "max-connection-buffered-bytes", MaxConnectionBufferedBytes);
        Add(hocon, "max-buffered-bytes", MaxBufferedBytes);
        foreach (var (name, channel) in _channelOptions)
        {
            var prefix = $"channels.{Quote(name)}.";
            Add(hocon, prefix + "socket-mode", channel.SocketMode is null ? null : Quote(channel.SocketMode));
            Add(hocon, prefix + "allow-any-uid", channel.AllowAnyUid is { } any ? (any ? "on" : "off") : null);
            Add(hocon, prefix + "allowed-uids", channel.AllowedUids is { } uids ? $"[{string.Join(", ", uids)}]" : null);
        }

        return hocon.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(hocon.ToString());
    }

    private static void Add(StringBuilder hocon, string key, object? value)
    {
        if (value is not null)
        {
            hocon.Append(CultureInfo.InvariantCulture, $"{IpcSettings.ConfigPath}.{key} = {value}\n");
        }
    }

    private static string? Duration(TimeSpan? value) =>
        value is { } span ? ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms" : null;

    private static string Quote(string text) => Newtonsoft.Json.JsonConvert.ToString(text);
}
