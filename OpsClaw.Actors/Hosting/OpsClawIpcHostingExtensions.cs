using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// The Akka.Hosting entry point of OpsClaw IPC, named for the plugin as Akka.Hosting names its own
/// (<c>AkkaRemoteHostingExtensions</c>): <c>services.AddAkka("app", akka => akka.WithOpsClawIpc(...))</c>.
/// </summary>
public static class OpsClawIpcHostingExtensions
{
    /// <summary>The name <see cref="WithOpsClawIpcHealthCheck"/> registers its check under unless given another.</summary>
    public const string HealthCheckName = "opsclaw-ipc";

    /// <summary>How long the host's start waits for every socket to be bound before it fails.</summary>
    private static readonly TimeSpan BindWithin = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Serves OpsClaw IPC from this actor system: the embedded defaults are appended as the
    /// fallback, the options set in <paramref name="configure"/> are prepended over everything,
    /// and at startup <c>/user/ipc</c> binds every channel's socket and registers each channel
    /// actor in the <see cref="ActorRegistry"/>. The host's start completes once every socket
    /// accepts connections, and fails if one cannot be bound (see <see cref="OpsClawIpcOptions.OnStartFailure"/>).
    /// </summary>
    /// <param name="builder">The actor system being configured.</param>
    /// <param name="configure">Sets the options; none set serves the built-in channels with the HOCON settings.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static AkkaConfigurationBuilder WithOpsClawIpc(
        this AkkaConfigurationBuilder builder,
        Action<OpsClawIpcOptions>? configure = null)
    {
        var options = new OpsClawIpcOptions();
        configure?.Invoke(options);
        return builder.WithOpsClawIpc(options);
    }

    /// <summary>
    /// Serves OpsClaw IPC with <paramref name="options"/> built beforehand (for example bound from
    /// an application's configuration). Otherwise as <see cref="WithOpsClawIpc(AkkaConfigurationBuilder, Action{OpsClawIpcOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The actor system being configured.</param>
    /// <param name="options">The settings and channels to serve: its settings become HOCON at this call, its channel list is read when the actor system starts.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static AkkaConfigurationBuilder WithOpsClawIpc(this AkkaConfigurationBuilder builder, OpsClawIpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        builder.AddHocon(IpcDefaults.Config, HoconAddMode.Append);
        var overrides = options.ToConfig();
        if (!overrides.IsEmpty)
        {
            builder.AddHocon(overrides, HoconAddMode.Prepend);
        }

        // A startup task runs inside the host's start, so one that fails makes IHost.StartAsync throw.
        builder.AddStartup(new StartupTask((system, registry) =>
        {
            var settings = IpcSettings.Create(system.Settings.Config);
            var ready = OpsClawIpc.Get(system).StartWithPassedSockets(
                settings, options.Channels, registry, options.AdoptPassedSockets ? ListenFds.FromEnvironment : null);
            return options.OnStartFailure switch
            {
                IpcStartFailure.FailHostStart => BoundAsync(ready),
                IpcStartFailure.LogAndKeepRunning => LogFailure(system, ready),
                _ => Task.CompletedTask,
            };
        }));
        return builder;
    }

    /// <summary>
    /// Registers a health check of OpsClaw IPC's sockets with the host's health checks, as Akka.Hosting
    /// registers its own (<c>WithHealthCheck</c>); add <c>services.AddHealthChecks()</c> to run it. It is
    /// Healthy while every socket is bound and serving, Unhealthy before that (binding), after the stop
    /// began (unbound) and when the start failed (with the reason), with one data entry per channel
    /// giving its state: binding, bound, serving, unbound, failed or stopped.
    /// </summary>
    /// <param name="builder">The actor system being configured.</param>
    /// <param name="name">The check's name in the health report.</param>
    /// <param name="failureStatus">What the check reports instead of Unhealthy, if anything.</param>
    /// <param name="tags">Tags to filter the check by (for example in <c>MapHealthChecks</c>).</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static AkkaConfigurationBuilder WithOpsClawIpcHealthCheck(
        this AkkaConfigurationBuilder builder,
        string name = HealthCheckName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithHealthCheck(name, new OpsClawIpcHealthCheck(), failureStatus, tags);
    }

    private static async Task BoundAsync(Task<IpcBinding> ready)
    {
        try
        {
            await ready.WaitAsync(BindWithin).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"OpsClaw IPC did not bind its sockets within {BindWithin.TotalSeconds} s");
        }
    }

    private static Task LogFailure(ActorSystem system, Task<IpcBinding> ready)
    {
        _ = ready.ContinueWith(
            failed =>
            {
                var cause = Unwrap(failed.Exception!);
                var log = Logging.GetLogger(system, typeof(OpsClawIpc));
                const string Template = "OpsClaw IPC could not start, so this application runs without its sockets (OnStartFailure is LogAndKeepRunning): {Reason}";

                // A refusal's message says all the user needs; anything else is a defect, worth its stack trace.
                if (cause is IpcStartupException)
                {
                    log.Error(Template, cause.Message);
                }
                else
                {
                    log.Error(cause, Template, cause.Message);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private static Exception Unwrap(AggregateException failed) =>
        failed.InnerExceptions.Count == 1 ? failed.InnerExceptions[0] : failed;
}
