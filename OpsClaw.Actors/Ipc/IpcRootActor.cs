using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Ipc;

/// <summary>
/// <c>/user/ipc</c>: owns the socket-directory lock, starts each channel actor and its listener,
/// reports readiness once every socket is bound, and runs the two shutdown steps asked of it by
/// CoordinatedShutdown (unbind, then drain). States: <see cref="Binding"/> → <see cref="Serving"/> →
/// <see cref="Stopping"/>.
/// </summary>
internal sealed class IpcRootActor : ReceiveActor, IWithTimers
{
    private const string FilesCheckTimerKey = "files-check";

    private static readonly TimeSpan DescribeTimeout = TimeSpan.FromSeconds(3);

    private readonly IpcSettings _settings;
    private readonly ShutdownTiming _timing;
    private readonly IReadOnlyList<ChannelDefinition> _channels;
    private readonly IActorRegistry? _registry;
    private readonly TaskCompletionSource<IpcBinding> _ready;
    private readonly BufferBudget _budget;
    private readonly ListenFds? _listenFds;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _listeners = [];
    private readonly List<(string Name, IActorRef Actor, ChannelMetrics Metrics)> _served = [];
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    private SocketDirectory? _directory;
    private DescriptorBudget _descriptors = DescriptorBudget.Unlimited;
    private SocketDirectoryLock? _lock;
    /// <summary>Under socket activation, the socket passed for each channel; empty when the host binds its own.</summary>
    private IReadOnlyDictionary<string, PassedListener> _passed = new Dictionary<string, PassedListener>();
    /// <summary>Where each channel will listen; worked out once in PreStart, handed to Ready once all are bound.</summary>
    private IpcBinding? _binding;

    public IpcRootActor(
        IpcSettings settings,
        ShutdownTiming timing,
        IReadOnlyList<ChannelDefinition> channels,
        IActorRegistry? registry,
        TaskCompletionSource<IpcBinding> ready,
        BufferBudget budget,
        ListenFds? listenFds)
    {
        _listenFds = listenFds;
        _settings = settings;
        _timing = timing;
        _channels = channels;
        _registry = registry;
        _ready = ready;
        _budget = budget;
        Binding(new Dictionary<string, SocketListener.Bound>(StringComparer.Ordinal));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        IpcSettings settings,
        ShutdownTiming timing,
        IReadOnlyList<ChannelDefinition> channels,
        IActorRegistry? registry,
        TaskCompletionSource<IpcBinding> ready,
        BufferBudget budget,
        ListenFds? listenFds = null) =>
        Akka.Actor.Props.Create(() => new IpcRootActor(settings, timing, channels, registry, ready, budget, listenFds));

    protected override void PreStart()
    {
        try
        {
            var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_settings.SocketDirectory));
            _binding = new IpcBinding(
                directory,
                [.. _channels.Select(channel => KeyValuePair.Create(channel.Name, SocketPaths.SocketPath(directory, channel.Name)))]);
            foreach (var (_, socketPath) in _binding.SocketPaths)
            {
                SocketPaths.EnsureBindable(socketPath);
            }

            _descriptors = DescriptorBudget.Plan(
                _channels.Count, _settings.MaxConnections, _settings.MaxConnections == IpcSettings.DefaultMaxConnections, out var descriptorNote);
            if (descriptorNote is not null)
            {
                _log.Info("OpsClaw IPC: {0}", descriptorNote);
            }

            // Whatever the codec and the error replies need is loaded now: a type whose initializer first
            // runs when descriptors are short (an assembly file cannot be opened) would stay broken.
            IpcCodec.WarmUp();
            DescriptorReserve.EnsureHeld();
            _directory = SocketDirectory.Open(directory);
            _lock = SocketDirectoryLock.Acquire(_directory);
            if (_listenFds is not null)
            {
                _passed = SocketActivation.Adopt(_listenFds, [.. _channels.Select(channel => channel.Name)], _directory);
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong, Ready must learn of it: a host waiting for it would otherwise hang.
            Fail(ex);
            return;
        }

        var codec = new IpcCodec(_settings.MaxJsonDepth);
        foreach (var channel in _channels)
        {
            var channelActor = Context.ActorOf(channel.Props, channel.Name);
            _registry?.TryRegister(channel.RegistryKey, channelActor, overwrite: true);
            var metrics = new ChannelMetrics(channel.Name);
            _served.Add((channel.Name, channelActor, metrics));
            _listeners.Add(Context.ActorOf(
                SocketListenerActor.Props(
                    channel.Name, _directory, _descriptors, ChannelTarget.Of(channelActor, channel.Props), _settings, codec, metrics, _budget,
                    passed: _passed.GetValueOrDefault(channel.Name)),
                channel.Name + "-listener"));
        }
    }

    protected override void PostStop()
    {
        // Children (listeners) have stopped and removed their sockets by now; the lock goes last.
        try
        {
            _lock?.Dispose();
        }
        catch (IOException ex)
        {
            // Left behind, it is reclaimed by the next start (the lock itself died with the descriptor).
            _log.Warning("Could not remove {0}: {1}", _lock!.Path, ex.Message);
        }

        foreach (var passed in _passed.Values)
        {
            passed.Dispose();
        }

        _directory?.Dispose();
        _ready.TrySetException(new InvalidOperationException("the IPC subsystem stopped before it was ready"));
    }

    private void Binding(Dictionary<string, SocketListener.Bound> bound)
    {
        Receive<SocketListener.Bound>(message =>
        {
            bound[message.Channel] = message;
            if (bound.Count < _channels.Count)
            {
                return;
            }

            var owned = new OwnedFiles(_lock!.Path, _lock.Identity, bound.Values.ToDictionary(socket => socket.SocketPath, socket => socket.Identity));
            Become(() => Serving(owned));

            // Now that the directory, lock, listening sockets and the runtime's epoll exist, what the rest
            // of the process holds is known better than before binding.
            ProcessDescriptors.MeasureBaseline();
            Timers.StartPeriodicTimer(FilesCheckTimerKey, IpcRoot.CheckFiles.Instance, _settings.FilesCheckInterval);
            _log.Info("OpsClaw IPC is serving {ChannelCount} channels in {SocketDirectory}", _channels.Count, _binding!.SocketDirectory);
            _ready.TrySetResult(_binding!);
        });
        Receive<SocketListener.BindFailed>(failed => Fail(failed.Cause is IpcStartupException
            ? failed.Cause
            : new IOException($"could not listen on {failed.SocketPath}: {failed.Cause.Message}", failed.Cause)));
        Receive<IpcShutdown.Unbind>(_ => Sender.Tell(IpcShutdown.Unbound.Instance));
        Receive<IpcShutdown.Drain>(_ => Sender.Tell(IpcShutdown.Drained.Instance));
        Receive<IpcHealth.Get>(_ => Sender.Tell(new IpcHealth.Report(
            Serving: false,
            IpcHealth.Binding,
            [.. _channels.Select(channel => KeyValuePair.Create(channel.Name, bound.ContainsKey(channel.Name) ? IpcHealth.Bound : IpcHealth.Binding))])));
        AnswerIntrospection();
    }

    private void Serving(OwnedFiles owned)
    {
        // A listener that was restarted bound a new socket file: that one is ours now.
        Receive<SocketListener.Bound>(rebound => Become(() => Serving(owned.WithSocket(rebound.SocketPath, rebound.Identity))));
        Receive<IpcRoot.CheckFiles>(check =>
        {
            if (owned.FirstLost() is not { } lost)
            {
                return;
            }

            // Clients can no longer reach this host by its paths (or reach another host there): serving on would only mislead.
            Timers.Cancel(FilesCheckTimerKey);
            var reason = new IpcFilesLostReason(lost);
            _log.Error("OpsClaw IPC is shutting down: {0}", reason.Message);
            _ = CoordinatedShutdown.Get(Context.System).Run(reason);
        });
        Receive<IpcShutdown.Unbind>(_ =>
        {
            Timers.Cancel(FilesCheckTimerKey);
            AskAll(IpcShutdown.Unbind.Instance, ShutdownTiming.UnbindWithin, IpcShutdown.Unbound.Instance);
            Become(Stopping);
        });
        Receive<IpcShutdown.Drain>(_ => AskAll(
            IpcShutdown.Drain.Instance,
            _timing.ListenersDrainedWithin,
            IpcShutdown.Drained.Instance));
        Receive<IpcHealth.Get>(_ => Sender.Tell(ReportAll(serving: true, IpcHealth.Serving)));
        AnswerIntrospection();
    }

    /// <summary>The sockets are gone (or going): what is left is answering what connections hold.</summary>
    private void Stopping()
    {
        Receive<IpcShutdown.Unbind>(_ => Sender.Tell(IpcShutdown.Unbound.Instance));
        Receive<IpcShutdown.Drain>(_ => AskAll(
            IpcShutdown.Drain.Instance,
            _timing.ListenersDrainedWithin,
            IpcShutdown.Drained.Instance));
        Receive<IpcHealth.Get>(_ => Sender.Tell(ReportAll(serving: false, IpcHealth.Unbound)));

        // A restarted listener's Bound or a check queued before unbinding cancelled its timer: nothing to do now.
        Receive<SocketListener.Bound>(_ => { });
        Receive<IpcRoot.CheckFiles>(_ => { });
        AnswerIntrospection();
    }

    private IpcHealth.Report ReportAll(bool serving, string state) =>
        new(serving, state, [.. _channels.Select(channel => KeyValuePair.Create(channel.Name, state))]);

    /// <summary>control.channels and control.status, in every state: the control socket may be up before the others.</summary>
    private void AnswerIntrospection()
    {
        Receive<IpcIntrospection.GetStatus>(_ => Sender.Tell(new StatusReport(
            IpcMeter.Version,
            Environment.ProcessId,
            (long)Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds,
            [.. _served.Select(channel => channel.Metrics.Snapshot())],
            BrokerMetrics.Get(Context.System).Snapshot())));
        Receive<BrokerProtocol.GetTopics>(ask =>
        {
            // The broker lives under the runtime channel; a host that serves none has no topics.
            if (_served.Find(channel => channel.Name == RuntimeChannelActor.Name) is { Actor: { } runtime })
            {
                runtime.Forward(ask);
            }
            else
            {
                Sender.Tell(new TopicsReport([]));
            }
        });
        Receive<BrokerProtocol.GetStreams>(ask =>
        {
            if (_served.Find(channel => channel.Name == RuntimeChannelActor.Name) is { Actor: { } runtime })
            {
                runtime.Forward(ask);
            }
            else
            {
                Sender.Tell(new StreamsReport(StreamStorage.ProviderName(_settings.Broker.Storage.Provider), []));
            }
        });
        Receive<BrokerProtocol.GetCluster>(ask =>
        {
            if (_served.Find(channel => channel.Name == RuntimeChannelActor.Name) is { Actor: { } runtime })
            {
                runtime.Forward(ask);
            }
            else
            {
                Sender.Tell(BrokerCluster.Disabled);
            }
        });
        Receive<IpcIntrospection.GetChannels>(_ =>
        {
            var binding = _binding!;
            Task.WhenAll(_served.Select(channel => DescribeAsync(channel.Name, channel.Actor, binding.PathOf(channel.Name))))
                .PipeTo(Sender, success: channels => new ChannelsReport(channels));
        });
    }

    /// <summary>A channel actor that is not a <see cref="ChannelActor"/> cannot say what it answers; it is listed without types.</summary>
    private static async Task<ChannelInfo> DescribeAsync(string name, IActorRef channel, string socketPath)
    {
        try
        {
            var description = await channel.Ask<ChannelProtocol.Description>(ChannelProtocol.Describe.Instance, DescribeTimeout).ConfigureAwait(false);
            return new ChannelInfo(name, socketPath, description.MessageTypes);
        }
        catch (AskTimeoutException)
        {
            return new ChannelInfo(name, socketPath, []);
        }
    }

    /// <summary>Asks every listener and answers the requester when all have answered or the time is up.</summary>
    private void AskAll(object question, TimeSpan timeout, object answer)
    {
        var requester = Sender;
        var asks = _listeners.Select(listener => listener.Ask(question, timeout));
        Task.WhenAll(asks).ContinueWith(
            _ => answer,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).PipeTo(requester);
    }

    private void Fail(Exception cause)
    {
        // Whoever awaits Ready reports the failure: the hosting extension fails the host's start or logs it
        // as an error (OpsClawIpcOptions.OnStartFailure), the CLI prints one line. Here it is for debugging only.
        _log.Debug("OpsClaw IPC could not start: {0}", cause);

        _ready.TrySetException(cause);
        Context.Stop(Self);
    }
}
