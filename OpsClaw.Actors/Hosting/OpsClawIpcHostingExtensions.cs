using Akka.Hosting;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// The Akka.Hosting entry point of OpsClaw IPC, named for the plugin as Akka.Hosting names its own
/// (<c>AkkaRemoteHostingExtensions</c>): <c>services.AddAkka("app", akka => akka.WithOpsClawIpc(...))</c>.
/// </summary>
public static class OpsClawIpcHostingExtensions
{
    /// <summary>
    /// Serves OpsClaw IPC from this actor system: the embedded defaults are appended as the
    /// fallback, the options set in <paramref name="configure"/> are prepended over everything,
    /// and at startup <c>/user/ipc</c> binds every channel's socket and registers each channel
    /// actor in the <see cref="ActorRegistry"/>. Await <see cref="OpsClawIpc.Ready"/> to know the
    /// sockets accept connections.
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

        builder.AddStartup((system, registry) =>
        {
            var settings = IpcSettings.Create(system.Settings.Config);
            _ = OpsClawIpc.Get(system).StartWithPassedSockets(settings, options.Channels, registry, options.AdoptPassedSockets ? ListenFds.FromEnvironment : null);
        });
        return builder;
    }
}
