using Akka.Actor;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>Misbehaving handlers and vanishing clients fail only themselves and leave nothing behind.</summary>
[Collection(SerialCollection.Name)]
public sealed class FaultSpecs(ITestOutputHelper output) : SocketSpecBase
{
    [Fact]
    public async Task Handlers_that_throw_hang_reply_twice_or_never_should_fail_only_their_own_requests()
    {
        var binding = await StartAsync("opsclaw.ipc.request-timeout = 400ms", [FaultyChannel.Definition()]);
        using var connection = await RawConnection.ConnectAsync(binding.PathOf(FaultyChannel.Name));

        await connection.WriteAsync(string.Concat(
            RawConnection.Request("fault.ok", "ok1", "1"),
            RawConnection.Request("fault.throw", "throw"),
            RawConnection.Request("fault.ok", "ok2", "2"),
            RawConnection.Request("fault.hang", "hang"),
            RawConnection.Request("fault.twice", "twice"),
            RawConnection.Request("fault.never", "never"),
            RawConnection.Request("fault.ok", "ok3", "3")));

        var expected = new[]
        {
            ("ok1", "fault.ok.ok", (string?)null), ("throw", "error", "handler_failed"), ("ok2", "fault.ok.ok", null),
            ("hang", "error", "timeout"), ("twice", "fault.twice.ok", null), ("never", "error", "timeout"), ("ok3", "fault.ok.ok", null),
        };
        foreach (var (runId, type, code) in expected)
        {
            var reply = JObject.Parse((await connection.ReadLineAsync())!);
            Assert.Equal((runId, type, code), ((string?)reply["run_id"], (string?)reply["message_type"], (string?)reply["error_code"]));
        }

        // The second reply of fault.twice and any late reply must not surface: the next line answers the next request.
        await connection.WriteAsync(RawConnection.Request("fault.ok", "after", "4"));
        Assert.Equal("after", (string?)JObject.Parse((await connection.ReadLineAsync())!)["run_id"]);
        connection.HalfClose();
        Assert.Null(await connection.ReadLineAsync());
    }

    [Fact]
    public async Task Clients_vanishing_with_requests_in_flight_should_leave_no_connection_actor_or_fd_behind()
    {
        var binding = await StartAsync();
        await WarmUpAsync(binding);
        var (fdsBefore, actorsBefore) = (OpenFds(), await ConnectionActorsAsync());

        for (var round = 0; round < 50; round++)
        {
            using var connection = await RawConnection.ConnectAsync(binding.PathOf("test"));
            await connection.WriteAsync(string.Concat(Enumerable.Range(0, 100).Select(i => RawConnection.Request("test.delay", $"d{i}", "150"))));
        }

        await AwaitBaselineAsync(fdsBefore, actorsBefore);
    }

    [Fact]
    public async Task Ten_thousand_connect_disconnect_cycles_should_return_fds_and_actors_to_baseline()
    {
        var binding = await StartAsync();
        await WarmUpAsync(binding);
        var (fdsBefore, actorsBefore) = (OpenFds(), await ConnectionActorsAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // Eight clients at a time; every other cycle also sends a ping and waits for its pong.
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (cycle, cancel) =>
        {
            using var connection = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
            if (cycle % 2 == 0)
            {
                await connection.WriteAsync(RawConnection.Request("runtime.ping", "c" + cycle));
                Assert.NotNull(await connection.ReadLineAsync());
            }
        });

        await AwaitBaselineAsync(fdsBefore, actorsBefore);
        var status = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.status"));
        var runtime = status["channels"]!.Single(channel => (string?)channel["name"] == "runtime")!;
        Assert.Equal(10_001L, (long)runtime["connections_total"]!);
        output.WriteLine($"socket fds {fdsBefore} before and after; connection actors {actorsBefore} before and after 10,000 cycles");
    }

    private async Task WarmUpAsync(IpcBinding binding)
    {
        // The first connection allocates pools and thread-pool workers; count from after it.
        Assert.Equal("runtime.pong", (string?)(await RequestAsync(binding.PathOf("runtime"), "runtime.ping"))["message_type"]);
    }

    private async Task AwaitBaselineAsync(int fdsBefore, int actorsBefore)
    {
        await AwaitAssertAsync(
            async () =>
            {
                Assert.Equal(actorsBefore, await ConnectionActorsAsync());
                // At most the baseline: sockets of earlier specs may still be closing when it was taken.
                var fds = OpenFds();
                Assert.True(fds <= fdsBefore, $"{fds} socket fds open, {fdsBefore} before");
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(100));
    }

    /// <summary>
    /// Open socket descriptors of this process (the host runs in it). Other descriptors (epoll,
    /// eventfd, logs) come and go with the runtime's thread pool and would only add noise.
    /// </summary>
    private static int OpenFds() =>
        new DirectoryInfo("/proc/self/fd").GetFiles().Count(fd => fd.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>Live connection actors: the children of every listener under /user/ipc.</summary>
    private async Task<int> ConnectionActorsAsync()
    {
        var probe = CreateTestProbe();
        Sys.ActorSelection("/user/ipc/*-listener/*").Tell(new Identify("count"), probe.Ref);
        Sys.ActorSelection("/user/ipc").Tell(new Identify("end"), probe.Ref);
        var count = 0;
        while (true)
        {
            var identity = await probe.ExpectMsgAsync<ActorIdentity>();
            if ((string)identity.MessageId == "end")
            {
                return count;
            }

            count += identity.Subject is null ? 0 : 1;
        }
    }

    /// <summary>A channel whose handlers fail in every way a handler can.</summary>
    private sealed class FaultyChannel : ChannelActor
    {
        public const string Name = "faulty";

        public FaultyChannel()
        {
            Handle("fault.ok", "fault.ok.ok", request => request.PayloadJson);
            Handle("fault.throw", "fault.throw.ok", _ => throw new InvalidOperationException("boom"));
            HandleAsync("fault.hang", "fault.hang.ok", _ => new TaskCompletionSource<string>().Task);
            var rogue = Context.ActorOf(Props.Create(() => new RogueHandler()), "rogue");
            Route("fault.twice", rogue);
            Route("fault.never", rogue);
        }

        public static ChannelDefinition Definition() => new(Name, Props.Create(() => new FaultyChannel()), typeof(FaultyChannel));
    }

    /// <summary>Not a ChannelHandlerActor: it breaks the exactly-one-reply rule on purpose.</summary>
    private sealed class RogueHandler : ReceiveActor
    {
        public RogueHandler()
        {
            Receive<ChannelProtocol.Request>(request =>
            {
                if (request.Envelope.MessageType == "fault.twice")
                {
                    var reply = IpcResponse.Success("fault.twice.ok", request.Envelope.RunId, IpcJson.SerializePayload(new EmptyPayload()));
                    Sender.Tell(new ChannelProtocol.Reply(request.Id, reply));
                    Sender.Tell(new ChannelProtocol.Reply(request.Id, reply with { PayloadJson = "\"duplicate\"" }));
                }
            });
        }
    }
}
