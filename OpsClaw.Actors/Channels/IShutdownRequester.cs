using Akka.Actor;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// How <c>control.stop</c> stops the host. The default runs Akka's CoordinatedShutdown; an embedding
/// application may pass its own (to stop its generic host, say) to <c>ChannelDefinition.Control</c>.
/// </summary>
public interface IShutdownRequester
{
    /// <summary>Called once per <c>control.stop</c>, after its ack has been handed to the connection; must not block.</summary>
    /// <param name="system">The actor system serving the control channel.</param>
    void RequestShutdown(ActorSystem system);
}

/// <summary>
/// Runs Akka's CoordinatedShutdown, whose phases unbind the sockets, drain in-flight requests and
/// terminate the system. The host process exits with status 0 once the system has terminated.
/// </summary>
internal sealed class CoordinatedShutdownRequester : IShutdownRequester
{
    public static readonly CoordinatedShutdownRequester Instance = new();

    public void RequestShutdown(ActorSystem system) =>
        _ = CoordinatedShutdown.Get(system).Run(ControlStopReason.Instance);
}

/// <summary>The CoordinatedShutdown reason recorded when a client sent <c>control.stop</c>.</summary>
public sealed class ControlStopReason : CoordinatedShutdown.Reason
{
    /// <summary>The one instance, so a reason can be compared with it.</summary>
    public static readonly ControlStopReason Instance = new();

    private ControlStopReason()
    {
    }

    /// <summary>0: a stop that a client asked for is a success.</summary>
    public override int ExitCode => 0;

    /// <summary>Returns <c>control.stop</c>.</summary>
    /// <returns><c>control.stop</c>.</returns>
    public override string ToString() => "control.stop";
}
