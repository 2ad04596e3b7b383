using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// The health of OpsClaw IPC's sockets, asked of <c>/user/ipc</c> (registered by
/// <see cref="OpsClawIpcHostingExtensions.WithOpsClawIpcHealthCheck"/>; Akka.Hosting adapts it to an <see cref="IHealthCheck"/>).
/// </summary>
internal sealed class OpsClawIpcHealthCheck : IAkkaHealthCheck
{
    /// <summary>How long the root may take to answer; it is idle but for connections coming and going.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(3);

    public Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken) =>
        CheckAsync(context.ActorSystem, cancellationToken);

    public static async Task<HealthCheckResult> CheckAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var ipc = OpsClawIpc.Get(system);
        if (!ipc.Started)
        {
            return HealthCheckResult.Unhealthy("OpsClaw IPC is not started");
        }

        var ready = ipc.Ready;
        if (ready.IsFaulted)
        {
            var cause = ready.Exception!.InnerExceptions.Count == 1 ? ready.Exception.InnerExceptions[0] : ready.Exception;
            return HealthCheckResult.Unhealthy($"OpsClaw IPC could not start: {cause.Message}", cause, Each(ipc, IpcHealth.Failed));
        }

        if (ipc.Root is not { } root || system.WhenTerminated.IsCompleted)
        {
            return HealthCheckResult.Unhealthy("OpsClaw IPC is stopped", data: Each(ipc, IpcHealth.Stopped));
        }

        IpcHealth.Report report;
        try
        {
            report = await root.Ask<IpcHealth.Report>(IpcHealth.Get.Instance, AnswerWithin, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // A root that stopped never answers: its sockets went with it.
            return HealthCheckResult.Unhealthy("OpsClaw IPC is stopped", data: Each(ipc, IpcHealth.Stopped));
        }

        var data = report.Channels.ToDictionary(channel => channel.Key, channel => (object)channel.Value);
        if (!report.Serving)
        {
            return HealthCheckResult.Unhealthy($"OpsClaw IPC is not serving: its sockets are {report.State}", data: data);
        }

        // Serving, but a stop has begun: the sockets go at the next phase, so say so now.
        if (CoordinatedShutdown.Get(system).ShutdownReason is { } reason)
        {
            return HealthCheckResult.Unhealthy($"OpsClaw IPC is stopping ({reason})", data: data);
        }

        var binding = await ready.ConfigureAwait(false);
        return HealthCheckResult.Healthy($"OpsClaw IPC is serving {report.Channels.Count} channels in {binding.SocketDirectory}", data);
    }

    private static Dictionary<string, object> Each(OpsClawIpc ipc, string state) =>
        ipc.AskedChannels.Distinct().ToDictionary(name => name, _ => (object)state);
}
