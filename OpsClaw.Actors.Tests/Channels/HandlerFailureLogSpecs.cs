using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>A client sending crashing requests in a loop must not be able to flood the host's log.</summary>
public sealed class HandlerFailureLogSpecs : ChannelSpecBase
{
    private const int Crashes = 3000;

    /// <summary>The entry names the message type, the channel and the run id, in its text and as named values.</summary>
    [Fact]
    public async Task A_throwing_handler_should_be_logged_in_full_once_then_counted_once_per_interval()
    {
        // No interval passes during the burst, however slow the machine; then one has passed at once.
        HandlerFailureLog.Get(Sys).Interval = TimeSpan.FromHours(1);
        var log = CreateTestProbe();
        Sys.EventStream.Subscribe(log.Ref, typeof(Warning));
        Sys.EventStream.Subscribe(log.Ref, typeof(Error));
        var channel = Sys.ActorOf(Props.Create(() => new CrashingChannel()), "crashing");

        for (var i = 0; i < Crashes; i++)
        {
            Ask(channel, "crash.sync", $"run-{i}");
        }

        var replies = await ExpectRepliesAsync(Crashes);
        Assert.All(replies.Values, reply => Assert.Equal(IpcErrors.HandlerFailedCode, reply.ErrorCode));
        var first = await ExpectWarningAsync(log);
        Assert.IsType<InvalidOperationException>(first.Cause);
        Assert.StartsWith("Handler for 'crash.sync' on channel 'crashing' failed (run_id run-0);", first.Message.ToString(), StringComparison.Ordinal);
        Assert.True(first.TryGetProperties(out var values));
        Assert.Equal(
            ("Handler", "crash.sync", "crashing", "run-0"),
            (values!["Handler"] as string, values["MessageType"] as string, values["Channel"] as string, values["RunId"] as string));
        await log.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        // The interval has passed; the next failure brings the count of those not logged, in one line without a stack trace.
        HandlerFailureLog.Get(Sys).Interval = TimeSpan.Zero;
        Ask(channel, "crash.sync", "the-last");
        await Client.ExpectMsgAsync<ChannelProtocol.Reply>();
        var summary = await ExpectWarningAsync(log);
        Assert.Null(summary.Cause);
        Assert.Equal(
            $"Handler for 'crash.sync' on channel 'crashing' failed {Crashes} more times with InvalidOperationException (last: boom, run_id the-last) since it was last logged",
            summary.Message.ToString());
    }

    [Fact]
    public async Task A_crashing_child_handler_should_be_logged_once_and_not_by_the_supervisor_each_time()
    {
        var log = CreateTestProbe();
        Sys.EventStream.Subscribe(log.Ref, typeof(Warning));
        Sys.EventStream.Subscribe(log.Ref, typeof(Error));
        var channel = Sys.ActorOf(Props.Create(() => new CrashingChannel()), "crashing");

        for (var i = 0; i < 500; i++)
        {
            Ask(channel, "crash.child", $"child-{i}");
        }

        var replies = await ExpectRepliesAsync(500);
        Assert.All(replies.Values, reply => Assert.Equal(IpcErrors.HandlerFailedCode, reply.ErrorCode));
        var first = await ExpectWarningAsync(log);
        Assert.IsType<InvalidOperationException>(first.Cause);
        Assert.StartsWith("Handler actor 'child' for 'crash.child' on channel 'crashing' failed (run_id child-0);", first.Message.ToString(), StringComparison.Ordinal);
        await log.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    private static Task<LogEvent> ExpectWarningAsync(Akka.TestKit.TestProbe log) =>
        log.ExpectMsgAsync<LogEvent>(TimeSpan.FromSeconds(5)).AsTask();

    private sealed class CrashingChannel : ChannelActor
    {
        public CrashingChannel()
        {
            Handle("crash.sync", "crash.sync.ok", _ => throw new InvalidOperationException("boom"));
            Route("crash.child", Context.ActorOf(Props.Create(() => new CrashingHandler()), "child"));
        }
    }

    private sealed class CrashingHandler : ChannelHandlerActor
    {
        public CrashingHandler()
        {
            Handle<Contracts.EmptyPayload, Contracts.EmptyPayload>("crash.child", "crash.child.ok", _ => throw new InvalidOperationException("child boom"));
        }
    }
}
