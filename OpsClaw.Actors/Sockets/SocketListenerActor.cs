using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Listens on one channel's socket. It binds in <c>PreStart</c> (mode set before listen), accepts
/// clients one at a time with each result coming back through its mailbox, turns away peers that are
/// not allowed or that arrive at the connection limit, and spawns one <see cref="ConnectionActor"/>
/// per admitted client. States: <see cref="Listening"/> → <see cref="Draining"/>. Under socket
/// activation it serves the socket the supervisor passed instead of binding one, and leaves its
/// file alone on the way out: the supervisor keeps listening on it for the next start.
/// </summary>
internal sealed class SocketListenerActor : ReceiveActor, IWithTimers
{
    /// <summary>Accepts that completed at once, handled in one message before the mailbox gets a turn.</summary>
    private const int AcceptBatch = 16;
    private const string RetryTimerKey = "accept-retry";
    private const string DrainDeadlineTimerKey = "drain-deadline";

    /// <summary>The first pause after an accept failure; each failure in a row doubles it, up to <see cref="LongestRetryPause"/>.</summary>
    internal static readonly TimeSpan FirstRetryPause = TimeSpan.FromMilliseconds(10);

    internal static readonly TimeSpan LongestRetryPause = TimeSpan.FromSeconds(1);

    private readonly string _channelName;
    private readonly SocketDirectory _directory;
    private readonly string _fileName;
    private readonly string _socketPath;
    private readonly ChannelSettings _channelSettings;
    private readonly ChannelTarget _channel;
    private readonly IpcSettings _settings;
    private readonly IpcCodec _codec;
    private readonly ChannelMetrics _metrics;
    private readonly BufferBudget _budget;
    private readonly uint _hostUid = Native.EffectiveUid();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _acceptStop = new();
    private readonly AcceptHandoff _handoff = new();
    private readonly AcceptClient _accept;
    private readonly DescriptorBudget _descriptors;
    private readonly AcceptFailureLog _acceptFailures;
    private readonly byte[] _descriptorRefusal;
    private readonly PassedListener? _passed;

    /// <summary>
    /// Connections holding a slot of max-connections (admitted, not yet released), with their
    /// sockets, so a drain can note what each had received when it began.
    /// </summary>
    private readonly Dictionary<IActorRef, Socket> _openConnections = [];

    /// <summary>
    /// Clients accepted while every slot (or every descriptor) was taken, judged again once the mailbox
    /// has had a turn. An accept that completes at once runs inside the handling of an earlier message,
    /// so a connection that closed just before the client connected may have told <see cref="Connection.Released"/>
    /// already, queued and not yet read: refusing at once would turn away a client the host has room for.
    /// At most one <see cref="SocketListener.RecheckOverLimit"/> is pending for them.
    /// </summary>
    private readonly Queue<Socket> _overLimit = new();

    private Socket? _listenSocket;
    private FileIdentity _socketIdentity;
    private long _connectionCounter;
    private int _lingering;
    private TimeSpan _retryPause = FirstRetryPause;

    public SocketListenerActor(
        string channelName, SocketDirectory directory, DescriptorBudget descriptors, ChannelTarget channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget, AcceptClient? accept, PassedListener? passed)
    {
        _passed = passed;
        _descriptors = descriptors;
        _metrics = metrics;
        _budget = budget;
        _channelName = channelName;
        _directory = directory;
        _fileName = SocketPaths.FileName(channelName);
        _socketPath = directory.PathOf(_fileName);
        _acceptFailures = new AcceptFailureLog(_log, _socketPath);
        _accept = accept ?? AcceptFromKernel;
        _channel = channel;
        _settings = settings;
        _codec = codec;
        _channelSettings = settings.ForChannel(channelName);
        _descriptorRefusal = IpcCodec.EncodeResponse(DescriptorsRefusal());
        Listening();
    }

    /// <summary>Takes the next client off a listening socket; specs substitute one that fails.</summary>
    internal delegate ValueTask<Socket> AcceptClient(Socket listenSocket, CancellationToken cancel);

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(
        string channelName, SocketDirectory directory, DescriptorBudget descriptors, ChannelTarget channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget, AcceptClient? accept = null, PassedListener? passed = null) =>
        Akka.Actor.Props.Create(() => new SocketListenerActor(channelName, directory, descriptors, channel, settings, codec, metrics, budget, accept, passed));

    /// <summary>A crashed connection is stopped, never restarted: its socket is gone with it.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void PreStart()
    {
        try
        {
            (_listenSocket, _socketIdentity) = _passed is null
                ? UnixListenSocket.Bind(_directory, _fileName, _channelSettings.SocketMode, _settings.ListenBacklog)
                : (_passed.Duplicate(), _passed.Identity);
        }
        catch (Exception ex)
        {
            // Any failure, expected or not, is reported: a listener that threw here would leave Ready pending forever.
            Context.Parent.Tell(new SocketListener.BindFailed(_channelName, _socketPath, ex));
            Context.Stop(Self);
            return;
        }

        Context.Parent.Tell(new SocketListener.Bound(_channelName, _socketPath, _socketIdentity));
        AcceptMore();
    }

    protected override void PostStop()
    {
        Unbind();
        _acceptStop.Dispose();

        // Connections still open (the drain deadline passed, the system is going down) stop with this
        // actor; no Released or Terminated will come for them, so their descriptors are returned here.
        foreach (var _ in _openConnections)
        {
            _descriptors.Release();
        }

        _openConnections.Clear();
    }

    private static ValueTask<Socket> AcceptFromKernel(Socket listenSocket, CancellationToken cancel) => listenSocket.AcceptAsync(cancel);

    private void Listening()
    {
        Receive<SocketListener.AcceptCompleted>(_ =>
        {
            if (_handoff.Take() is { } client)
            {
                Accepted(client);
            }

            AcceptMore();
        });
        Receive<SocketListener.AcceptFailed>(failed => AcceptFailed(failed.Cause));
        Receive<SocketListener.ResumeAccepting>(_ => AcceptMore());
        Receive<SocketListener.RecheckOverLimit>(_ =>
        {
            while (_overLimit.TryDequeue(out var client))
            {
                AdmitWithinLimits(client, mayWait: false);
            }
        });
        ForgetClosedConnections(requester: null);
        Receive<IpcShutdown.Unbind>(_ =>
        {
            BeginDraining(requester: null);
            Sender.Tell(IpcShutdown.Unbound.Instance);
        });
        Receive<IpcShutdown.Drain>(_ => BeginDraining(Sender));
    }

    /// <summary>
    /// Connections learn of the drain before the socket file disappears, so any line a client
    /// writes after it sees the file gone is answered <c>shutting_down</c> (or meets a clean close).
    /// </summary>
    private void BeginDraining(IActorRef? requester)
    {
        // Measured here, before the socket file goes: a client that sees the file gone and then writes
        // can only add bytes past this count, which are refused.
        foreach (var (connection, socket) in _openConnections)
        {
            connection.Tell(new Connection.Drain(UnreadBytes(socket)));
        }

        Unbind();
        Timers.Cancel(RetryTimerKey);
        Timers.StartSingleTimer(DrainDeadlineTimerKey, SocketListener.DrainDeadline.Instance, _settings.ShutdownDrainTimeout);
        DrainingUntilEmpty(requester);
    }

    /// <summary>Goes on draining, to tell <paramref name="requester"/> once no connection is left (at once if none is).</summary>
    private void DrainingUntilEmpty(IActorRef? requester)
    {
        if (requester is not null && _openConnections.Count == 0 && _lingering == 0)
        {
            requester.Tell(IpcShutdown.Drained.Instance);
            requester = null;
        }

        Become(() => Draining(requester));
    }

    /// <summary>Unbound: connections finish what they owe; <paramref name="requester"/> waits to hear that all have.</summary>
    private void Draining(IActorRef? requester)
    {
        // The unbind cancelled the accept in flight and closed the handoff; what still comes of it is moot.
        Receive<SocketListener.AcceptCompleted>(_ => _handoff.Take()?.Dispose());
        Receive<SocketListener.AcceptFailed>(_ => { });
        Receive<SocketListener.ResumeAccepting>(_ => { });
        Receive<SocketListener.RecheckOverLimit>(_ => RefuseOverLimit());
        ForgetClosedConnections(requester);
        Receive<Connection.Lingering>(lingering =>
        {
            _lingering++;
            lingering.Close.ContinueWith(
                _ => SocketListener.LingerEnded.Instance,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).PipeTo(Self);
        });
        Receive<SocketListener.LingerEnded>(_ =>
        {
            _lingering--;
            DrainingUntilEmpty(requester);
        });
        Receive<IpcShutdown.Unbind>(_ => Sender.Tell(IpcShutdown.Unbound.Instance));
        Receive<IpcShutdown.Drain>(_ => DrainingUntilEmpty(Sender));
        Receive<SocketListener.DrainDeadline>(_ =>
        {
            // shutdown-drain-timeout is up: connections still owing replies are closed as they are.
            foreach (var connection in Context.GetChildren())
            {
                Context.Stop(connection);
            }
        });
    }

    private static int UnreadBytes(Socket socket)
    {
        try
        {
            return socket.Available;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>A connection frees its slot when it says so, or at the latest when it has stopped.</summary>
    private void ForgetClosedConnections(IActorRef? requester)
    {
        Receive<Connection.Released>(released => Forget(released.Connection, requester));
        Receive<Terminated>(terminated => Forget(terminated.ActorRef, requester));
    }

    private void Forget(IActorRef connection, IActorRef? requester)
    {
        if (_openConnections.Remove(connection))
        {
            _descriptors.Release();
        }

        if (requester is not null)
        {
            DrainingUntilEmpty(requester);
        }
    }

    private void Unbind()
    {
        _handoff.Close();
        RefuseOverLimit();
        if (_listenSocket is null)
        {
            return;
        }

        _acceptStop.Cancel();

        // Removed while the socket is still open: its inode cannot be freed and reused by another
        // host's socket before the comparison, and only if the name still is this listener's socket.
        // A passed socket's file stays: the supervisor still listens on it, and connections made now
        // wait in its backlog for the next start.
        try
        {
            if (_passed is null && !_directory.RemoveIfOurs(_fileName, _socketIdentity) && _directory.StatusOf(_fileName) is not null)
            {
                _log.Warning("Left {0} in place: it is no longer this host's socket", _socketPath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover file is reclaimed by the next start; failing here would restart the listener mid-shutdown.
            _log.Warning("Could not remove {0}: {1}", _socketPath, ex.Message);
        }
        finally
        {
            _listenSocket.Dispose();
            _listenSocket = null;
        }
    }

    /// <summary>
    /// Takes clients while the kernel has them queued, up to a batch; then either an accept is in flight
    /// (its result comes as a message), or a failure scheduled a retry, or the mailbox gets a turn first.
    /// Exactly one of these is pending at any time while listening.
    /// </summary>
    private void AcceptMore()
    {
        for (var taken = 0; taken < AcceptBatch; taken++)
        {
            if (_listenSocket is not { } listenSocket)
            {
                return;
            }

            ValueTask<Socket> accept;
            try
            {
                accept = _accept(listenSocket, _acceptStop.Token);
            }
            catch (Exception ex)
            {
                AcceptFailed(ex);
                return;
            }

            if (!accept.IsCompleted)
            {
                CompleteLater(accept.AsTask());
                return;
            }

            Socket client;
            try
            {
                client = accept.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                AcceptFailed(ex);
                return;
            }

            Accepted(client);
        }

        Self.Tell(SocketListener.ResumeAccepting.Instance);
    }

    private void CompleteLater(Task<Socket> accept)
    {
        var self = Self;
        var handoff = _handoff;
        accept.ContinueWith(
            completed =>
            {
                if (!completed.IsCompletedSuccessfully)
                {
                    self.Tell(new SocketListener.AcceptFailed(completed.Exception?.GetBaseException() ?? new OperationCanceledException()));
                }
                else if (handoff.TryPut(completed.Result))
                {
                    self.Tell(SocketListener.AcceptCompleted.Instance);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Accepted(Socket client)
    {
        _retryPause = FirstRetryPause;
        Admit(client);
    }

    /// <summary>
    /// Out of file descriptors, the pending connection is refused through the spare descriptor
    /// (<see cref="DescriptorReserve"/>) and accepting goes on at once. Any other failure, or a refusal
    /// that could not be made, is retried after a pause that doubles up to a second, so the socket
    /// never stays bound without being served and a persistent fault does not spin.
    /// </summary>
    private void AcceptFailed(Exception cause)
    {
        if (_listenSocket is not { } listenSocket)
        {
            return; // Unbound on purpose.
        }

        var outOfDescriptors = cause is SocketException { SocketErrorCode: SocketError.TooManyOpenSockets };
        var refused = outOfDescriptors && DescriptorReserve.RefuseOnePending(listenSocket, _descriptorRefusal);
        _acceptFailures.Failed(cause.Message, outOfDescriptors, refused);
        if (refused)
        {
            Self.Tell(SocketListener.ResumeAccepting.Instance);
            return;
        }

        Timers.StartSingleTimer(RetryTimerKey, SocketListener.ResumeAccepting.Instance, _retryPause);
        _retryPause = TimeSpan.FromTicks(Math.Min(_retryPause.Ticks * 2, LongestRetryPause.Ticks));
    }

    private void Admit(Socket client)
    {
        PeerCredentials peer;
        try
        {
            peer = PeerCredentials.Read(client);
        }
        catch (SocketException ex)
        {
            _log.Warning("Could not read peer credentials on {0}: {1}", _socketPath, ex.Message);
            client.Dispose();
            return;
        }

        if (!_channelSettings.Admits(peer.Uid, _hostUid))
        {
            _log.Warning("Refused peer uid {0} (pid {1}) on {2}", peer.Uid, peer.Pid, _channelName);
            Reject(client, IpcErrors.Forbidden(peer.Uid, _channelName));
            return;
        }

        AdmitWithinLimits(client, mayWait: true);
    }

    /// <summary>
    /// Admits a client of an allowed peer if a slot and a descriptor are free. Otherwise it waits once for
    /// the mailbox's turn when <paramref name="mayWait"/> (see <see cref="_overLimit"/>), and is refused after that.
    /// </summary>
    private void AdmitWithinLimits(Socket client, bool mayWait)
    {
        var full = _openConnections.Count >= _settings.MaxConnections;
        if ((full || !_descriptors.HasRoom) && mayWait)
        {
            if (_overLimit.Count == 0)
            {
                Self.Tell(SocketListener.RecheckOverLimit.Instance);
            }

            _overLimit.Enqueue(client);
            return;
        }

        if (full)
        {
            Reject(client, SlotsRefusal());
            return;
        }

        if (!_descriptors.TryTake())
        {
            // The host as a whole holds as many connections as its descriptor limit allows.
            _acceptFailures.RefusedForDescriptors();
            Reject(client, DescriptorsRefusal());
            return;
        }

        var connection = Context.ActorOf(
            ConnectionActor.Props(client, _channel, _settings, _codec, _metrics, _budget),
            "conn-" + ++_connectionCounter);
        Context.Watch(connection);
        _openConnections.Add(connection, client);
    }

    /// <summary>Unbound while clients waited for their recheck: they get the refusal they were waiting to be judged on, never admitted now.</summary>
    private void RefuseOverLimit()
    {
        while (_overLimit.TryDequeue(out var client))
        {
            Reject(client, _openConnections.Count >= _settings.MaxConnections ? SlotsRefusal() : DescriptorsRefusal());
        }
    }

    private IpcResponse SlotsRefusal() => IpcErrors.Overloaded(_channelName, _settings.MaxConnections);

    private IpcResponse DescriptorsRefusal() => IpcErrors.Overloaded(_channelName, Math.Min(_settings.MaxConnections, _descriptors.Capacity));

    private void Reject(Socket client, IpcResponse refusal)
    {
        _metrics.Error(refusal.ErrorCode!);
        ConnectionRejector.Reject(client, refusal);
    }
}

/// <summary>Messages of <see cref="SocketListenerActor"/>.</summary>
internal static class SocketListener
{
    /// <summary>Told to the parent once the socket accepts connections; <paramref name="Identity"/> is the socket file's.</summary>
    public sealed record Bound(string Channel, string SocketPath, FileIdentity Identity);

    /// <summary>Told to the parent when the socket could not be bound; the listener then stops.</summary>
    public sealed record BindFailed(string Channel, string SocketPath, Exception Cause);

    /// <summary>An accept finished; its socket waits in the listener's <see cref="AcceptHandoff"/>.</summary>
    /// <remarks>Like every accept completion, it may reach a listener that has stopped; that is expected.</remarks>
    internal sealed class AcceptCompleted : IDeadLetterSuppression
    {
        public static readonly AcceptCompleted Instance = new();

        private AcceptCompleted()
        {
        }
    }

    internal sealed record AcceptFailed(Exception Cause) : IDeadLetterSuppression;

    /// <summary>Judge again the clients that were accepted while every slot was taken.</summary>
    internal sealed class RecheckOverLimit : IDeadLetterSuppression
    {
        public static readonly RecheckOverLimit Instance = new();

        private RecheckOverLimit()
        {
        }
    }

    /// <summary>Accept again: after a batch, after a refusal through the spare descriptor, or when a retry pause ends.</summary>
    internal sealed class ResumeAccepting : IDeadLetterSuppression
    {
        public static readonly ResumeAccepting Instance = new();

        private ResumeAccepting()
        {
        }
    }

    internal sealed class DrainDeadline
    {
        public static readonly DrainDeadline Instance = new();

        private DrainDeadline()
        {
        }
    }

    internal sealed class LingerEnded
    {
        public static readonly LingerEnded Instance = new();

        private LingerEnded()
        {
        }
    }
}
