using Akka.Actor;
using Microsoft.Extensions.Hosting;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Host;

/// <summary>
/// Registered after Akka, so the host counts as started (and systemd is told READY=1) only once
/// every socket accepts connections; a socket that cannot be bound fails the start instead.
/// </summary>
internal sealed class IpcReadinessService(ActorSystem system, IHostApplicationLifetime lifetime) : IHostedService
{
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(30);

    public IpcBinding? Binding { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Binding = await OpsClawIpc.Get(system).Ready.WaitAsync(BindTimeout, cancellationToken).ConfigureAwait(false);

        // control.stop ends the actor system through CoordinatedShutdown; the process follows it.
        _ = system.WhenTerminated.ContinueWith(
            _ => lifetime.StopApplication(),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
