using Akka.Hosting;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Actors.Hosting;

public static class OpsClawIpcHostingExtensions
{
    /// <summary>
    /// Serves OpsClaw IPC from this actor system: the embedded defaults are appended as the
    /// fallback, the options set in <paramref name="configure"/> are prepended over everything,
    /// and at startup <c>/user/ipc</c> binds every channel's socket and registers each channel
    /// actor in the <see cref="ActorRegistry"/>. Await <see cref="OpsClawIpc.Ready"/> to know the
    /// sockets accept connections.
    /// </summary>
    public static AkkaConfigurationBuilder WithOpsClawIpc(
        this AkkaConfigurationBuilder builder,
        Action<OpsClawIpcOptions>? configure = null)
    {
        var options = new OpsClawIpcOptions();
        configure?.Invoke(options);

        builder.AddHocon(IpcDefaults.Config, HoconAddMode.Append);
        var overrides = options.ToConfig();
        if (!overrides.IsEmpty)
        {
            builder.AddHocon(overrides, HoconAddMode.Prepend);
        }

        builder.AddStartup((system, registry) =>
        {
            var settings = IpcSettings.Create(system.Settings.Config);
            _ = OpsClawIpc.Get(system).Start(settings, options.Channels, registry);
        });
        return builder;
    }
}
