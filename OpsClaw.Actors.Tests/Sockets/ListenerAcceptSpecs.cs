using System.Collections.Concurrent;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>
/// The listener's accept loop under accept failures the kernel will not produce on demand: a scripted
/// accept fails as told, and the actor system's scheduler is a <see cref="TestScheduler"/>, so every
/// retry pause is checked exactly (no retry one millisecond early, one at the millisecond) rather than
/// measured on a noisy clock.
/// </summary>
public sealed class ListenerAcceptSpecs : TestKit
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    private readonly TempSocketDir _dir = new();
    private readonly TestProbe _attempts;
    private readonly ScriptedAccept _accept;
    private SocketDirectory? _directory;

    public ListenerAcceptSpecs()
        : base("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
    {
        _attempts = CreateTestProbe();
        _accept = new ScriptedAccept(_attempts.Ref);
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private string SocketPath => _dir.Socket("runtime");

    [Fact]
    public async Task Accept_failures_in_a_row_should_be_retried_after_pauses_that_double_up_to_a_second_and_reset_on_success()
    {
        for (var i = 0; i < 10; i++)
        {
            _accept.Then(Fail(SocketError.ConnectionAborted));
        }

        var listener = StartListener();
        var pause = SocketListenerActor.FirstRetryPause;
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await ExpectFailedAttemptAsync(listener, attempt);
            Scheduler.Advance(pause - Tick);
            _attempts.ExpectNoMsg(Quiet);
            Scheduler.Advance(Tick);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, SocketListenerActor.LongestRetryPause.Ticks));
        }

        Assert.Equal(SocketListenerActor.LongestRetryPause, pause);
        ExpectAttempt(11); // The script is used up: a real accept, waiting for a client.
        await AssertServedAsync();

        // A success starts the pauses over: the next failure is retried after the first pause again.
        ExpectAttempt(12);
        _accept.Then(Fail(SocketError.ConnectionAborted));
        await AssertServedAsync(); // Completes attempt 12; attempt 13 takes the scripted failure.
        await ExpectFailedAttemptAsync(listener, 13);
        Scheduler.Advance(SocketListenerActor.FirstRetryPause - Tick);
        _attempts.ExpectNoMsg(Quiet);
        Scheduler.Advance(Tick);
        ExpectAttempt(14);
        await AssertServedAsync();
    }

    [Fact]
    public async Task Out_of_descriptors_with_a_client_waiting_should_refuse_it_overloaded_and_accept_again_at_once()
    {
        _accept.Then(Fail(SocketError.ConnectionAborted));
        _accept.Then(Fail(SocketError.TooManyOpenSockets));
        var listener = StartListener();
        await ExpectFailedAttemptAsync(listener, 1);

        // Connected while the listener waits out the first pause, so it is in the backlog for the spare descriptor.
        using var waiting = await RawConnection.ConnectAsync(SocketPath);
        Scheduler.Advance(SocketListenerActor.FirstRetryPause);
        ExpectAttempt(2);
        var refusal = JObject.Parse((await waiting.ReadLineAsync())!);
        Assert.Equal("overloaded", (string?)refusal["error_code"]);
        Assert.Null(await waiting.ReadLineAsync());

        // No pause after a refusal made: the next accept comes without the scheduler moving.
        ExpectAttempt(3);
        await AssertServedAsync();
    }

    [Fact]
    public async Task A_client_accepted_after_the_listener_stopped_should_be_closed_not_left_in_dead_letters()
    {
        var late = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _accept.Then((_, _) => new ValueTask<Socket>(late.Task));
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(Akka.Event.AllDeadLetters));
        var listener = StartListener();
        ExpectAttempt(1);

        Watch(listener);
        Sys.Stop(listener);
        ExpectTerminated(listener);

        // The accept finishes only now, with a client the listener never saw: it must close it.
        var (client, server) = await ConnectedPairAsync();
        using var _ = client;
        late.SetResult(server);
        Assert.Null(await client.ReadLineAsync(TimeSpan.FromSeconds(5)));
        deadLetters.ExpectNoMsg(Quiet);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory?.Dispose();
            _dir.Dispose();
        }
    }

    private static ScriptedAccept.Step Fail(SocketError error) =>
        (_, _) => ValueTask.FromException<Socket>(new SocketException((int)error));

    private IActorRef StartListener()
    {
        var settings = IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.socket-dir = \"{_dir.SocketDir}\""));
        _directory = SocketDirectory.Open(_dir.SocketDir);
        var runtime = ChannelDefinition.Runtime();
        var channel = ChannelTarget.Of(Sys.ActorOf(runtime.Props, "runtime"), runtime.Props);
        var listener = ChildActorOf(
            SocketListenerActor.Props(
                "runtime", _directory, DescriptorBudget.Unlimited, channel, settings, new IpcCodec(settings.MaxJsonDepth),
                new ChannelMetrics("runtime"), new BufferBudget(settings.MaxBufferedBytes), _accept.Accept),
            "listener");
        ExpectMsg<SocketListener.Bound>();
        return listener;
    }

    private void ExpectAttempt(int number) => Assert.Equal(number, _attempts.ExpectMsg<int>());

    /// <summary>
    /// The attempt is reported before the listener has handled its failure; only once the listener has
    /// answered a message queued after it is its retry timer surely set, so the scheduler can be moved.
    /// </summary>
    private async Task ExpectFailedAttemptAsync(IActorRef listener, int number)
    {
        ExpectAttempt(number);
        await listener.Ask<ActorIdentity>(new Identify(number)).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task AssertServedAsync()
    {
        using var client = await RawConnection.ConnectAsync(SocketPath);
        await client.WriteAsync(RawConnection.Request("runtime.ping", "served"));
        var reply = JObject.Parse((await client.ReadLineAsync())!);
        Assert.True((bool?)reply["ok"], reply.ToString());
        Assert.Equal("served", (string?)reply["run_id"]);
    }

    /// <summary>Both ends of a connection made on a socket of the spec's own, not the listener's.</summary>
    private async Task<(RawConnection Client, Socket Server)> ConnectedPairAsync()
    {
        using var own = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = Path.Combine(_dir.Path, "own.sock");
        own.Bind(new UnixDomainSocketEndPoint(path));
        own.Listen(1);
        var client = await RawConnection.ConnectAsync(path);
        return (client, await own.AcceptAsync());
    }

    /// <summary>Reports each accept's number to a probe, then fails or waits as scripted; unscripted, it accepts for real.</summary>
    private sealed class ScriptedAccept(IActorRef observer)
    {
        private readonly ConcurrentQueue<Step> _script = new();
        private int _attempts;

        public delegate ValueTask<Socket> Step(Socket listenSocket, CancellationToken cancel);

        public void Then(Step step) => _script.Enqueue(step);

        public ValueTask<Socket> Accept(Socket listenSocket, CancellationToken cancel)
        {
            observer.Tell(Interlocked.Increment(ref _attempts));
            return _script.TryDequeue(out var step) ? step(listenSocket, cancel) : listenSocket.AcceptAsync(cancel);
        }
    }
}
