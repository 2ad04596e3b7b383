using Akka.Actor;

namespace OpsClaw.Actors.Channels;

/// <summary>How <c>control.stop</c> stops the host; a seam so specs can observe the request.</summary>
public interface IShutdownRequester
{
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
    public static readonly ControlStopReason Instance = new();

    private ControlStopReason()
    {
    }

    public override int ExitCode => 0;

    public override string ToString() => "control.stop";
}
