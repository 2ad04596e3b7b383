using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary>The reply of <c>control.channels</c>: every channel the host serves.</summary>
/// <param name="Channels">The channels, in the order they were defined.</param>
public sealed record ChannelsReport(
    [property: JsonProperty("channels", Required = Required.Always)] IReadOnlyList<ChannelInfo> Channels);

/// <summary>One served channel: its name, absolute socket path and the message types it answers.</summary>
/// <param name="Name">The channel's name.</param>
/// <param name="SocketPath">Its socket's absolute path.</param>
/// <param name="MessageTypes">The request types it handles; empty for a channel actor that cannot say.</param>
public sealed record ChannelInfo(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("socket_path", Required = Required.Always)] string SocketPath,
    [property: JsonProperty("message_types", Required = Required.Always)] IReadOnlyList<string> MessageTypes);
