using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Listens on one channel's socket. It binds in <c>PreStart</c> (mode set before listen), runs an
/// accept loop that hands each client to the actor as a message, turns away peers that are not
/// allowed or that arrive at the connection limit, and spawns one <see cref="ConnectionActor"/>
/// per admitted client. States: <see cref="Listening"/> → <see cref="Draining"/>.
/// </summary>
internal sealed class SocketListenerActor : ReceiveActor, IWithTimers
{
    private readonly string _channelName;
    private readonly SocketDirectory _directory;
    private readonly string _fileName;
    private readonly string _socketPath;
    private readonly ChannelSettings _channelSettings;
    private readonly IActorRef _channel;
    private readonly IpcSettings _settings;
    private readonly IpcCodec _codec;
    private readonly ChannelMetrics _metrics;
    private readonly BufferBudget _budget;
    private readonly uint _hostUid = Native.EffectiveUid();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _acceptLoopStop = new();
    private readonly DescriptorBudget _descriptors;
    private readonly AcceptFailureLog _acceptFailures;

    /// <summary>
    /// Connections holding a slot of max-connections (admitted, not yet released), with their
    /// sockets, so a drain can note what each had received when it began.
    /// </summary>
    private readonly Dictionary<IActorRef, Socket> _openConnections = [];

    private Socket? _listenSocket;
    private FileIdentity _socketIdentity;
    private long _connectionCounter;
    private IActorRef? _drainRequester;
    private int _lingering;

    public SocketListenerActor(
        string channelName, SocketDirectory directory, DescriptorBudget descriptors, IActorRef channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget)
    {
        _descriptors = descriptors;
        _metrics = metrics;
        _budget = budget;
        _channelName = channelName;
        _directory = directory;
        _fileName = SocketPaths.FileName(channelName);
        _socketPath = directory.PathOf(_fileName);
        _acceptFailures = new AcceptFailureLog(_log, _socketPath);
        _channel = channel;
        _settings = settings;
        _codec = codec;
        _channelSettings = settings.ForChannel(channelName);
        Listening();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(
        string channelName, SocketDirectory directory, DescriptorBudget descriptors, IActorRef channel, IpcSettings settings, IpcCodec codec, ChannelMetrics metrics, BufferBudget budget) =>
        Akka.Actor.Props.Create(() => new SocketListenerActor(channelName, directory, descriptors, channel, settings, codec, metrics, budget));

    /// <summary>A crashed connection is stopped, never restarted: its socket is gone with it.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void PreStart()
    {
        try
        {
            (_listenSocket, _socketIdentity) = UnixListenSocket.Bind(_directory, _fileName, _channelSettings.SocketMode, _settings.ListenBacklog);
        }
        catch (Exception ex)
        {
            // Any failure, expected or not, is reported: a listener that threw here would leave Ready pending forever.
            Context.Parent.Tell(new SocketListener.BindFailed(_channelName, _socketPath, ex));
            Context.Stop(Self);
            return;
        }

        var refusal = IpcCodec.EncodeResponse(IpcErrors.Overloaded(_channelName, Math.Min(_settings.MaxConnections, _descriptors.Capacity)));
        StartAcceptLoop(_listenSocket, Self, refusal, _acceptLoopStop.Token);
        Context.Parent.Tell(new SocketListener.Bound(_channelName, _socketPath, _socketIdentity));
    }

    protected override void PostStop()
    {
        Unbind();
        _acceptLoopStop.Dispose();

        // Connections still open (the drain deadline passed, the system is going down) stop with this
        // actor; no Released or Terminated will come for them, so their descriptors are returned here.
        foreach (var _ in _openConnections)
        {
            _descriptors.Release();
        }

        _openConnections.Clear();
    }

    private void Listening()
    {
        Receive<SocketListener.Accepted>(accepted => Admit(accepted.Client));
        Receive<SocketListener.AcceptFailed>(_acceptFailures.Failed);
        ForgetClosedConnections();
        Receive<IpcShutdown.Unbind>(_ =>
        {
            BeginDraining();
            Sender.Tell(IpcShutdown.Unbound.Instance);
        });
        Receive<IpcShutdown.Drain>(_ =>
        {
            BeginDraining();
            ReplyWhenDrained(Sender);
        });
    }

    /// <summary>
    /// Connections learn of the drain before the socket file disappears, so any line a client
    /// writes after it sees the file gone is answered <c>shutting_down</c> (or meets a clean close).
    /// </summary>
    private void BeginDraining()
    {
        // Measured here, before the socket file goes: a client that sees the file gone and then writes
        // can only add bytes past this count, which are refused.
        foreach (var (connection, socket) in _openConnections)
        {
            connection.Tell(new Connection.Drain(UnreadBytes(socket)));
        }

        Unbind();
        Become(Draining);
        Timers.StartSingleTimer("drain-deadline", SocketListener.DrainDeadline.Instance, _settings.ShutdownDrainTimeout);
    }

    private void Draining()
    {
        Receive<SocketListener.Accepted>(accepted => accepted.Client.Dispose());
        Receive<SocketListener.AcceptFailed>(_ => { });
        ForgetClosedConnections();
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
            ReplyWhenDrained(_drainRequester);
        });
        Receive<IpcShutdown.Unbind>(_ => Sender.Tell(IpcShutdown.Unbound.Instance));
        Receive<IpcShutdown.Drain>(_ => ReplyWhenDrained(Sender));
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
    private void ForgetClosedConnections()
    {
        Receive<Connection.Released>(released => Forget(released.Connection));
        Receive<Terminated>(terminated => Forget(terminated.ActorRef));
    }

    private void Forget(IActorRef connection)
    {
        if (_openConnections.Remove(connection))
        {
            _descriptors.Release();
        }

        ReplyWhenDrained(_drainRequester);
    }

    private void ReplyWhenDrained(IActorRef? requester)
    {
        _drainRequester = requester;
        if (_openConnections.Count == 0 && _lingering == 0 && requester is not null)
        {
            requester.Tell(IpcShutdown.Drained.Instance);
            _drainRequester = null;
        }
    }

    private void Unbind()
    {
        if (_listenSocket is null)
        {
            return;
        }

        _acceptLoopStop.Cancel();

        // Removed while the socket is still open: its inode cannot be freed and reused by another
        // host's socket before the comparison, and only if the name still is this listener's socket.
        try
        {
            if (!_directory.RemoveIfOurs(_fileName, _socketIdentity) && _directory.StatusOf(_fileName) is not null)
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

    private void Admit(Socket client)
    {
        if (_listenSocket is null)
        {
            client.Dispose();
            return;
        }

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

        if (_openConnections.Count >= _settings.MaxConnections)
        {
            Reject(client, IpcErrors.Overloaded(_channelName, _settings.MaxConnections));
            return;
        }

        if (!_descriptors.TryTake())
        {
            // The host as a whole holds as many connections as its descriptor limit allows.
            _acceptFailures.RefusedForDescriptors();
            Reject(client, IpcErrors.Overloaded(_channelName, Math.Min(_settings.MaxConnections, _descriptors.Capacity)));
            return;
        }

        var connection = Context.ActorOf(
            ConnectionActor.Props(client, _channel, _settings, _codec, _metrics, _budget),
            "conn-" + ++_connectionCounter);
        Context.Watch(connection);
        _openConnections.Add(connection, client);
    }

    private void Reject(Socket client, IpcResponse refusal)
    {
        _metrics.Error(refusal.ErrorCode!);
        ConnectionRejector.Reject(client, refusal);
    }

    /// <summary>
    /// Accepts until unbound. Out of file descriptors, the pending connection is refused through the
    /// spare descriptor (<see cref="DescriptorReserve"/>) and accepting goes on at once. Any other
    /// failure, or a refusal that could not be made, is retried after a pause that grows to a second,
    /// so the socket never stays bound without being served.
    /// </summary>
    private static void StartAcceptLoop(Socket listenSocket, IActorRef listener, byte[] refusal, CancellationToken stop) =>
        _ = Task.Run(
            async () =>
            {
                var pause = TimeSpan.FromMilliseconds(10);
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var client = await listenSocket.AcceptAsync(stop).ConfigureAwait(false);
                        listener.Tell(new SocketListener.Accepted(client));
                        pause = TimeSpan.FromMilliseconds(10);
                    }
                    catch (Exception ex) when (stop.IsCancellationRequested || ex is ObjectDisposedException)
                    {
                        return; // Unbound on purpose.
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TooManyOpenSockets)
                    {
                        var refused = DescriptorReserve.RefuseOnePending(listenSocket, refusal);
                        listener.Tell(new SocketListener.AcceptFailed(ex, OutOfDescriptors: true, RefusedOne: refused));
                        if (!refused && !await PauseAsync(pause, stop).ConfigureAwait(false))
                        {
                            return;
                        }

                        pause = refused ? pause : Longer(pause);
                    }
                    catch (Exception ex)
                    {
                        listener.Tell(new SocketListener.AcceptFailed(ex, OutOfDescriptors: false, RefusedOne: false));
                        if (!await PauseAsync(pause, stop).ConfigureAwait(false))
                        {
                            return;
                        }

                        pause = Longer(pause);
                    }
                }
            },
            CancellationToken.None);

    private static TimeSpan Longer(TimeSpan pause) => TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.TicksPerSecond));

    /// <returns>false when the loop was stopped during the pause.</returns>
    private static async Task<bool> PauseAsync(TimeSpan pause, CancellationToken stop)
    {
        try
        {
            await Task.Delay(pause, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Messages of <see cref="SocketListenerActor"/>.</summary>
internal static class SocketListener
{
    /// <summary>Told to the parent once the socket accepts connections; <paramref name="Identity"/> is the socket file's.</summary>
    public sealed record Bound(string Channel, string SocketPath, FileIdentity Identity);

    /// <summary>Told to the parent when the socket could not be bound; the listener then stops.</summary>
    public sealed record BindFailed(string Channel, string SocketPath, Exception Cause);

    internal sealed record Accepted(Socket Client);

    internal sealed class DrainDeadline
    {
        public static readonly DrainDeadline Instance = new();

        private DrainDeadline()
        {
        }
    }

    /// <param name="RefusedOne">A pending connection was accepted through the spare descriptor and refused.</param>
    internal sealed record AcceptFailed(Exception Cause, bool OutOfDescriptors, bool RefusedOne);

    internal sealed class LingerEnded
    {
        public static readonly LingerEnded Instance = new();

        private LingerEnded()
        {
        }
    }
}
