using Akka.Actor;
using OpsClaw.Actors.Channels;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// A channel to serve: its name (which names its socket, <c>&lt;name&gt;.sock</c>), the props of its
/// channel actor, and the registry key under which the actor is published.
/// </summary>
/// <param name="Name">1 to 64 of <c>A-Z a-z 0-9 - _ .</c>, starting with a letter or digit; also the actor's name.</param>
/// <param name="Props">Creates the channel actor, a child of <c>/user/ipc</c>.</param>
/// <param name="RegistryKey">The key under which the actor is registered in the <c>ActorRegistry</c>, usually its type.</param>
public sealed record ChannelDefinition(string Name, Props Props, Type RegistryKey)
{
    /// <summary>The built-in runtime channel (<c>runtime.sock</c>: ping and forward).</summary>
    /// <returns>Its definition, registered under <see cref="RuntimeChannelActor"/>.</returns>
    public static ChannelDefinition Runtime() =>
        new(RuntimeChannelActor.Name, RuntimeChannelActor.Props(), typeof(RuntimeChannelActor));

    /// <summary>The built-in control channel (<c>control.sock</c>: health, stop, channels, status).</summary>
    /// <param name="shutdown">What <c>control.stop</c> does; Akka's CoordinatedShutdown when null.</param>
    /// <returns>Its definition, registered under <see cref="ControlChannelActor"/>.</returns>
    public static ChannelDefinition Control(IShutdownRequester? shutdown = null) =>
        new(ControlChannelActor.Name, ControlChannelActor.Props(shutdown), typeof(ControlChannelActor));

    /// <summary>The built-in runtime and control channels.</summary>
    /// <param name="shutdown">What <c>control.stop</c> does; Akka's CoordinatedShutdown when null.</param>
    /// <returns><see cref="Runtime"/> and <see cref="Control"/>, in that order.</returns>
    public static IReadOnlyList<ChannelDefinition> BuiltIn(IShutdownRequester? shutdown = null) => [Runtime(), Control(shutdown)];
}
