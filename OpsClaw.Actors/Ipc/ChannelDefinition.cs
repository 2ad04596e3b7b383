using Akka.Actor;
using OpsClaw.Actors.Channels;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// A channel to serve: its name (which names its socket, <c>&lt;name&gt;.sock</c>), the props of its
/// channel actor, and the registry key under which the actor is published.
/// </summary>
public sealed record ChannelDefinition(string Name, Props Props, Type RegistryKey)
{
    public static ChannelDefinition Runtime() =>
        new(RuntimeChannelActor.Name, RuntimeChannelActor.Props(), typeof(RuntimeChannelActor));

    public static ChannelDefinition Control(IShutdownRequester? shutdown = null) =>
        new(ControlChannelActor.Name, ControlChannelActor.Props(shutdown), typeof(ControlChannelActor));

    /// <summary>The built-in runtime and control channels.</summary>
    public static IReadOnlyList<ChannelDefinition> BuiltIn(IShutdownRequester? shutdown = null) => [Runtime(), Control(shutdown)];
}
