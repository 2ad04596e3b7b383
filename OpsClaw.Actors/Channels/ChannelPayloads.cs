using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>The reply payloads of the built-in message types (docs/protocol.md §5), serialized once.</summary>
internal static class ChannelPayloads
{
    public static string Pong { get; } = IpcJson.SerializePayload(new StatusPayload("ok"));

    public static string ForwardAck { get; } = IpcJson.SerializePayload(new AcceptedPayload(true));

    public static string Healthy { get; } = IpcJson.SerializePayload(new StatusPayload("healthy"));

    public static string StopRequested { get; } = IpcJson.SerializePayload(new StopPayload("requested"));
}
