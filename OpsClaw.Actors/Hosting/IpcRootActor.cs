using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Hosting;

/// <summary>
/// <c>/user/ipc</c>: owns the socket-directory lock, starts each channel actor and its listener,
/// reports readiness once every socket is bound, and runs the two shutdown steps asked of it by
/// CoordinatedShutdown (unbind, then drain). States: <see cref="Binding"/> → <see cref="Serving"/>.
/// </summary>
internal sealed class IpcRootActor : ReceiveActor
{
    private static readonly TimeSpan DescribeTimeout = TimeSpan.FromSeconds(3);

    private readonly IpcSettings _settings;
    private readonly IReadOnlyList<ChannelDefinition> _channels;
    private readonly IActorRegistry? _registry;
    private readonly TaskCompletionSource<IpcBinding> _ready;
    private readonly BufferBudget _budget;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _listeners = [];
    private readonly List<(string Name, IActorRef Actor, ChannelMetrics Metrics)> _served = [];
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    private SocketDirectoryLock? _lock;
    /// <summary>Where each channel will listen; worked out once in PreStart, handed to Ready once all are bound.</summary>
    private IpcBinding? _binding;

    public IpcRootActor(
        IpcSettings settings,
        IReadOnlyList<ChannelDefinition> channels,
        IActorRegistry? registry,
        TaskCompletionSource<IpcBinding> ready,
        BufferBudget budget)
    {
        _settings = settings;
        _channels = channels;
        _registry = registry;
        _ready = ready;
        _budget = budget;
        Binding(new HashSet<string>(StringComparer.Ordinal));
    }

    public static Props Props(
        IpcSettings settings,
        IReadOnlyList<ChannelDefinition> channels,
        IActorRegistry? registry,
        TaskCompletionSource<IpcBinding> ready,
        BufferBudget budget) =>
        Akka.Actor.Props.Create(() => new IpcRootActor(settings, channels, registry, ready, budget));

    protected override void PreStart()
    {
        try
        {
            var directory = Path.GetFullPath(_settings.SocketDirectory);
            _binding = new IpcBinding(
                directory,
                [.. _channels.Select(channel => KeyValuePair.Create(channel.Name, SocketPaths.SocketPath(directory, channel.Name)))]);
            foreach (var (_, socketPath) in _binding.SocketPaths)
            {
                SocketPaths.EnsureBindable(socketPath);
            }

            SocketPaths.EnsureDirectory(directory);
            _lock = SocketDirectoryLock.Acquire(directory);
        }
        catch (Exception ex) when (ex is IpcStartupException or IOException or UnauthorizedAccessException)
        {
            Fail(ex);
            return;
        }

        var codec = new IpcCodec(_settings.MaxJsonDepth);
        foreach (var channel in _channels)
        {
            var channelActor = Context.ActorOf(channel.Props, channel.Name);
            _registry?.TryRegister(channel.RegistryKey, channelActor, overwrite: true);
            var socketPath = _binding.PathOf(channel.Name);
            var metrics = new ChannelMetrics(channel.Name);
            _served.Add((channel.Name, channelActor, metrics));
            _listeners.Add(Context.ActorOf(
                SocketListenerActor.Props(channel.Name, socketPath, channelActor, _settings, codec, metrics, _budget),
                channel.Name + "-listener"));
        }
    }

    protected override void PostStop()
    {
        // Children (listeners) have stopped and removed their sockets by now; the lock goes last.
        _lock?.Dispose();
        _ready.TrySetException(new InvalidOperationException("the IPC subsystem stopped before it was ready"));
    }

    private void Binding(HashSet<string> bound)
    {
        Receive<SocketListener.Bound>(message =>
        {
            bound.Add(message.Channel);
            if (bound.Count < _channels.Count)
            {
                return;
            }

            Become(Serving);
            _ready.TrySetResult(_binding!);
        });
        Receive<SocketListener.BindFailed>(failed => Fail(failed.Cause is IpcStartupException
            ? failed.Cause
            : new IOException($"could not listen on {failed.SocketPath}: {failed.Cause.Message}", failed.Cause)));
        Receive<IpcShutdown.Unbind>(_ => Sender.Tell(IpcShutdown.Unbound.Instance));
        Receive<IpcShutdown.Drain>(_ => Sender.Tell(IpcShutdown.Drained.Instance));
        AnswerIntrospection();
    }

    private void Serving()
    {
        Receive<IpcShutdown.Unbind>(_ => AskAll(IpcShutdown.Unbind.Instance, TimeSpan.FromSeconds(5), IpcShutdown.Unbound.Instance));
        Receive<IpcShutdown.Drain>(_ => AskAll(
            IpcShutdown.Drain.Instance,
            _settings.ShutdownDrainTimeout + TimeSpan.FromSeconds(2),
            IpcShutdown.Drained.Instance));
        AnswerIntrospection();
    }

    /// <summary>control.channels and control.status, in every state: the control socket may be up before the others.</summary>
    private void AnswerIntrospection()
    {
        Receive<IpcIntrospection.GetStatus>(_ => Sender.Tell(new StatusReport(
            IpcMeter.Version,
            Environment.ProcessId,
            (long)Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds,
            [.. _served.Select(channel => channel.Metrics.Snapshot())])));
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
        // A refusal the user can fix is reported by whoever awaits Ready (the CLI prints one line); only surprises are errors here.
        if (cause is IpcStartupException)
        {
            _log.Info("OpsClaw IPC refused to start: {0}", cause.Message);
        }
        else
        {
            _log.Error(cause, "OpsClaw IPC could not start");
        }

        _ready.TrySetException(cause);
        Context.Stop(Self);
    }
}
