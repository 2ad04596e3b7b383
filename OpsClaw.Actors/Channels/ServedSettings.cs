using Akka.Actor;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The settings the IPC subsystem of an actor system was started with, for the channel actors it
/// creates: the runtime channel's broker takes its bounds from them, so settings passed to
/// <c>OpsClawIpc.Start</c> (or built by <c>WithOpsClawIpc</c>) count even when they are not in the
/// actor system's config. A channel made without a started subsystem (a spec) reads the config.
/// </summary>
internal sealed class ServedSettings : IExtension
{
    private volatile IpcSettings? _settings;

    /// <summary>Set by <c>OpsClawIpc.Start</c> before the channels are created.</summary>
    public IpcSettings? Current
    {
        get => _settings;
        set => _settings = value;
    }

    public static ServedSettings Get(ActorSystem system) => system.WithExtension<ServedSettings, ServedSettingsProvider>();
}

/// <summary>Makes the <see cref="ServedSettings"/> of an actor system.</summary>
internal sealed class ServedSettingsProvider : ExtensionIdProvider<ServedSettings>
{
    public override ServedSettings CreateExtension(ExtendedActorSystem system) => new();
}
