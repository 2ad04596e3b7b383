using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// The watchdog's proof of life: a ping for each answer of the IPC root, none while the actors
/// cannot run. The actor system here has one dispatcher thread, so one blocked actor wedges it
/// whole, root included. The executable's pings to a notify socket are <c>Host/WatchdogProcessSpecs</c>.
/// </summary>
public sealed class IpcWatchdogSpecs : TestKit
{
    /// <summary>Answers are due within half of it, 200 ms: long enough for a loaded machine's one dispatcher thread.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(400);
    private const string Missed = "missed 200 ms";
    private readonly TempSocketDir _dir = new();
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();

    public IpcWatchdogSpecs()
        : base(
            "akka.coordinated-shutdown.exit-clr = off\n" +
            "akka.coordinated-shutdown.phases.service-requests-done.timeout = 30s\n" +
            "akka.actor.default-dispatcher { executor = fork-join-executor, fork-join-executor { parallelism-min = 1, parallelism-max = 1, parallelism-factor = 1.0 } }")
    {
    }

    private Task RunWatchdog(IActorRef root) => IpcWatchdog.RunAsync(
        root, Interval, () => _events.Writer.TryWrite("alive"), limit => _events.Writer.TryWrite($"missed {limit.TotalMilliseconds} ms"), _stop.Token);

    private async Task<string> NextEventAsync() =>
        await _events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Watchdog_should_report_alive_only_for_an_answer_and_a_miss_for_a_question_left_unanswered()
    {
        var root = CreateTestProbe();
        var watchdog = RunWatchdog(root.Ref);

        // The first question comes at once; unanswered, it is a miss after half the interval.
        await root.ExpectMsgAsync<IpcIntrospection.GetStatus>();
        Assert.Equal(Missed, await NextEventAsync());

        await root.ExpectMsgAsync<IpcIntrospection.GetStatus>(TimeSpan.FromSeconds(5));
        root.Reply(new StatusReport("0.0.0", 1, 0, [], new BrokerTotals(0, 0, 0, 0, 0, 0)));
        Assert.Equal("alive", await NextEventAsync());

        await _stop.CancelAsync();
        await watchdog.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(_events.Reader.TryRead(out var extra), extra);
    }

    [Fact]
    public async Task Watchdog_should_go_silent_while_the_actor_system_is_wedged_and_speak_again_once_it_runs()
    {
        Directory.CreateDirectory(_dir.Path);
        var settings = IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.socket-dir = \"{_dir.SocketDir}\""));
        await OpsClawIpc.Get(Sys).Start(settings).WaitAsync(TimeSpan.FromSeconds(15));
        var watchdog = RunWatchdog(OpsClawIpc.Get(Sys).Root!);
        Assert.True(await AliveWithinAsync(events: 6, times: 3), "fewer than 3 pings in the first 6 questions");

        using var release = new ManualResetEventSlim();
        var blocking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sys.ActorOf(Props.Create(() => new Blocker(blocking, release))).Tell("block");
        await blocking.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // An answer the root gave just before the thread was taken may still be reported, once; from
        // then on nothing but misses until the actors run again.
        var first = await NextEventAsync();
        var wedged = new[] { first == "alive" ? await NextEventAsync() : first, await NextEventAsync(), await NextEventAsync() };
        Assert.Equal([Missed, Missed, Missed], wedged);

        // Questions asked while wedged may still be missed (the thread first works off what queued up);
        // within a few periods the answers are back.
        release.Set();
        Assert.True(await AliveWithinAsync(events: 6, times: 2), "fewer than 2 pings in the 6 questions after the release");
        await _stop.CancelAsync();
        await watchdog.WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Whether <paramref name="times"/> pings come among the next <paramref name="events"/> outcomes.</summary>
    private async Task<bool> AliveWithinAsync(int events, int times)
    {
        var alive = 0;
        for (var i = 0; i < events && alive < times; i++)
        {
            alive += await NextEventAsync() == "alive" ? 1 : 0;
        }

        return alive == times;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        base.Dispose(disposing);
        if (disposing)
        {
            _dir.Dispose();
        }
    }

    /// <summary>Holds the only dispatcher thread until released (bounded, so a failed spec still ends).</summary>
    private sealed class Blocker : ReceiveActor
    {
        public Blocker(TaskCompletionSource blocking, ManualResetEventSlim release) =>
            Receive<string>(_ =>
            {
                blocking.TrySetResult();
                release.Wait(TimeSpan.FromSeconds(20));
            });
    }
}
