using Akka;
using Akka.Actor;
using Akka.Hosting;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Clustering;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// The IPC subsystem of one ActorSystem: <see cref="Start"/> creates <c>/user/ipc</c> and hooks the
/// graceful-stop steps into CoordinatedShutdown; <see cref="Ready"/> completes once every socket
/// accepts connections, or fails with the reason it could not start.
/// </summary>
public sealed class OpsClawIpc : IExtension
{
    internal const string RootName = "ipc";

    private readonly ExtendedActorSystem _system;
    private readonly TaskCompletionSource<IpcBinding> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IActorRef? _root;

    internal OpsClawIpc(ExtendedActorSystem system) => _system = system;

    /// <summary>
    /// Completes with where the sockets are once every one accepts connections; fails with an
    /// <see cref="IpcStartupException"/> for a refusal the user can fix (a bad or repeated channel
    /// name, a settings block for a channel that is not served, a locked or unsafe socket directory,
    /// a socket path too long, too few file descriptors for <c>max-connections</c>), or with another
    /// exception. Never completes before <see cref="Start"/>.
    /// </summary>
    public Task<IpcBinding> Ready => _ready.Task;

    /// <summary>What every connection together holds against max-buffered-bytes; null until started.</summary>
    internal BufferBudget? Budget { get; private set; }

    /// <summary>
    /// <c>/user/ipc</c>; null until started, and when the channels were refused before it was made. The
    /// health check asks it, and the watchdog's proof of life is a round trip to it.
    /// </summary>
    internal IActorRef? Root => _root;

    /// <summary>The names of the channels asked for; empty until <see cref="Start"/> is called.</summary>
    internal IReadOnlyList<string> AskedChannels { get; private set; } = [];

    /// <summary>Whether <see cref="Start"/> has been called (whatever came of it).</summary>
    internal bool Started { get; private set; }

    /// <summary>The IPC subsystem of <paramref name="system"/>, created on first use (not started).</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The one instance for that system.</returns>
    public static OpsClawIpc Get(ActorSystem system) => system.WithExtension<OpsClawIpc, OpsClawIpcProvider>();

    /// <summary>Starts serving the given channels (the built-in ones when null), without Akka.Hosting.</summary>
    /// <param name="settings">The settings, e.g. <c>IpcSettings.Create(system.Settings.Config)</c>.</param>
    /// <param name="channels">The channels to serve; the built-in runtime and control channels when null.</param>
    /// <param name="registry">Where each channel actor is registered under its <see cref="ChannelDefinition.RegistryKey"/>; none when null.</param>
    /// <returns><see cref="Ready"/>.</returns>
    /// <exception cref="InvalidOperationException">it was already started in this actor system.</exception>
    public Task<IpcBinding> Start(IpcSettings settings, IReadOnlyList<ChannelDefinition>? channels = null, IActorRegistry? registry = null) =>
        StartWithPassedSockets(settings, channels, registry, passedSockets: null);

    /// <summary>
    /// As the public overload; the sockets <paramref name="passedSockets"/> finds (the host reads
    /// <see cref="ListenFds.FromEnvironment"/>), if any, are served instead of binding new ones.
    /// </summary>
    internal Task<IpcBinding> StartWithPassedSockets(IpcSettings settings, IReadOnlyList<ChannelDefinition>? channels, IActorRegistry? registry, Func<ListenFds?>? passedSockets)
    {
        if (Started)
        {
            throw new InvalidOperationException("OpsClaw IPC is already started in this actor system");
        }

        Started = true;
        var definitions = channels ?? ChannelDefinition.BuiltIn();
        AskedChannels = [.. definitions.Select(channel => channel.Name)];
        if (InvalidChannels(definitions) is { } problem)
        {
            // Reported through Ready like every other refusal to start, so the host prints it and exits 2.
            _ready.TrySetException(new IpcStartupException(problem));
            return Ready;
        }

        // A settings block for a channel nobody serves is most likely a misspelt name, whose settings would silently not apply.
        if (IpcSettingsReader.UnservedChannels(settings.Channels.Keys, [.. definitions.Select(channel => channel.Name)]).ToList() is [_, ..] unserved)
        {
            _ready.TrySetException(new IpcStartupException(string.Join("; ", unserved)));
            return Ready;
        }

        if (settings.Cluster.Enabled && !ClusterProvider.IsCluster(_system))
        {
            _ready.TrySetException(new IpcStartupException(
                "opsclaw.cluster.enabled is on, but this actor system is not a cluster member: its akka.actor.provider must be cluster "
                + "(the opsclaw host wires it; an embedding application calls WithRemoting and WithClustering, docs/cluster.md)"));
            return Ready;
        }

        ListenFds? listenFds;
        try
        {
            listenFds = passedSockets?.Invoke();
        }
        catch (IpcStartupException ex)
        {
            _ready.TrySetException(ex);
            return Ready;
        }

        var timing = new ShutdownTiming(settings.ShutdownDrainTimeout);
        if (timing.ProblemWith(_system.Settings.Config) is { } tooShort)
        {
            _ready.TrySetException(new IpcStartupException(tooShort));
            return Ready;
        }

        // Streams' storage is opened before anything is served, so a file that cannot be made is a refusal to start, not a stream that never works.
        if (settings.Broker.Streams.Count > 0)
        {
            try
            {
                StreamStorage.Get(_system).Open(settings.Broker.Storage);
            }
            catch (IpcStartupException ex)
            {
                _ready.TrySetException(ex);
                return Ready;
            }
        }

        // Akka starts its scheduler on first use by queueing the timer loop to the thread pool and blocking
        // the caller until it runs. If that first use is a burst of new connections arming their request
        // timers, every pool thread blocks behind the others' mailboxes and the host stalls for minutes (seen
        // with 2,000 simultaneous connects). Starting it here, from an idle pool, takes that off the hot path.
        _system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { });

        // One budget for every connection of every channel: max-buffered-bytes is host-wide.
        Budget = new BufferBudget(settings.MaxBufferedBytes, new MemoryReclaimer());
        ServedSettings.Get(_system).Current = settings;
        _root = _system.ActorOf(IpcRootActor.Props(settings, timing, definitions, registry, _ready, Budget, listenFds), RootName);
        RegisterShutdownTasks(_root, timing);
        return Ready;
    }

    private static string? InvalidChannels(IReadOnlyList<ChannelDefinition> definitions)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var channel in definitions)
        {
            if (ChannelNames.Problem(channel.Name) is { } problem)
            {
                return problem;
            }

            if (!names.Add(channel.Name))
            {
                return $"channel '{channel.Name}' is defined twice";
            }
        }

        return names.Count == 0 ? "no channels to serve" : null;
    }

    private void RegisterShutdownTasks(IActorRef root, ShutdownTiming timing)
    {
        var shutdown = CoordinatedShutdown.Get(_system);

        // First stop accepting and remove the socket files, then let connections answer what they hold.
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "opsclaw-ipc-unbind", () =>
            AskDone(root, IpcShutdown.Unbind.Instance, ShutdownTiming.UnbindWithin));
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "opsclaw-ipc-drain", () =>
            AskDone(root, IpcShutdown.Drain.Instance, timing.RootDrainedWithin));
    }

    private async Task<Done> AskDone(IActorRef root, object message, TimeSpan timeout)
    {
        if (!Ready.IsCompletedSuccessfully)
        {
            // Never started (or still binding): there is nothing to unbind or drain, and no one to answer.
            return Done.Instance;
        }

        try
        {
            await root.Ask<object>(message, timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            // A root that already stopped (it never started) or a drain past its time: shutdown goes on regardless.
        }

        return Done.Instance;
    }
}

internal sealed class OpsClawIpcProvider : ExtensionIdProvider<OpsClawIpc>
{
    public override OpsClawIpc CreateExtension(ExtendedActorSystem system) => new(system);
}
