using Akka.Actor;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// What <see cref="IpcClient"/> promises when a request times out, the host goes away, a write is
/// cancelled, the peer sends what nobody asked for, and writes are completed. The real host plays the
/// peer wherever it can produce the case; a <see cref="ScriptedPeer"/> plays it where it cannot.
/// </summary>
public sealed class IpcClientSpecs : SocketSpecBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Client_should_match_later_replies_to_their_own_requests_after_one_times_out()
    {
        var binding = await StartAsync();
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("test"));

        // The host answers in request order, so the timed-out request's reply comes first on the wire,
        // ahead of the replies to one request sent before the timeout and one sent after it.
        var late = client.SendAsync("test.delay", "1000", runId: "late", timeout: TimeSpan.FromMilliseconds(200));
        var before = client.SendAsync("test.echo", "1", runId: "before");
        await Assert.ThrowsAsync<TimeoutException>(() => late);
        var after = client.SendAsync("test.echo", "2", runId: "after");

        Assert.Equal(("test.echo.ok", "before", "1"), Summary(await before.WaitAsync(Bound)));
        Assert.Equal(("test.echo.ok", "after", "2"), Summary(await after.WaitAsync(Bound)));
        Assert.Equal(("test.echo.ok", "again", "3"), Summary(await client.SendAsync("test.echo", "3", runId: "again", timeout: Bound)));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Client_should_fail_every_pending_request_with_an_IOException_when_the_host_closes_the_connection()
    {
        var binding = await StartAsync("opsclaw.ipc.shutdown-drain-timeout = 300ms");
        Sys.EventStream.Subscribe(TestActor, typeof(TestChannelActor.DelayStarted));
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("test"));
        string[] runIds = ["p1", "p2", "p3"];
        var pending = runIds.Select(runId => client.SendAsync("test.delay", "20000", runId: runId)).ToArray();
        var started = new List<string?>();
        foreach (var _ in runIds)
        {
            started.Add((await ExpectMsgAsync<TestChannelActor.DelayStarted>()).RunId);
        }

        Assert.Equal(runIds, started.Order());

        // At the drain deadline the host closes connections that still owe replies, as they are.
        var shutdown = CoordinatedShutdown.Get(Sys).Run(CoordinatedShutdown.ClrExitReason.Instance);

        foreach (var request in pending)
        {
            await Assert.ThrowsAsync<IOException>(() => request.WaitAsync(Bound));
        }

        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<IOException>(() => client.SendAsync("test.echo", "1").WaitAsync(Bound));
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Client_should_fail_the_connection_when_a_write_is_cancelled_part_way()
    {
        // With one request in flight the host stops reading, so a long line cannot finish being written.
        // The short drain keeps the held request from delaying the actor system's shutdown after the spec.
        var binding = await StartAsync("opsclaw.ipc.max-in-flight = 1\nopsclaw.ipc.shutdown-drain-timeout = 300ms");
        Sys.EventStream.Subscribe(TestActor, typeof(TestChannelActor.DelayStarted));
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("test"));
        var held = client.SendAsync("test.delay", "20000", runId: "held");
        await ExpectMsgAsync(new TestChannelActor.DelayStarted("held"));

        // Far more than any socket buffer holds (wmem_max is a few MiB), so the write stays part-way.
        var line = new byte[16 * 1024 * 1024];
        line.AsSpan().Fill((byte)'x');
        line[^1] = (byte)'\n';
        using var cancel = new CancellationTokenSource();
        var cut = client.SendLineAsync(line, cancellationToken: cancel.Token);
        Assert.False(cut.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cut.WaitAsync(Bound));
        var heldFailure = await Assert.ThrowsAsync<IOException>(() => held.WaitAsync(Bound));
        Assert.Equal($"a write to {binding.PathOf("test")} was cancelled; the connection is no longer usable", heldFailure.Message);
        Assert.False(client.IsConnected);
        var refused = await Assert.ThrowsAsync<IOException>(() => client.SendAsync("test.echo", "1").WaitAsync(Bound));
        Assert.Same(heldFailure, refused.InnerException);
    }

    [Fact]
    public async Task Client_should_fail_the_connection_when_the_peer_sends_a_reply_nobody_asked_for()
    {
        // The real host never sends an unrequested line, so a scripted peer does.
        Directory.CreateDirectory(Dir.Path);
        using var peer = ScriptedPeer.Listen(Path.Combine(Dir.Path, "peer.sock"));
        await using var client = await IpcClient.ConnectAsync(peer.Path);
        using var connection = await peer.AcceptAsync();
        var asked = client.SendAsync("runtime.ping", runId: "asked");
        Assert.Contains("\"run_id\":\"asked\"", await connection.ReadLineAsync());

        // One write: the answer, then a second line that finds no request waiting for it.
        await connection.WriteAsync([.. Pong("asked"), .. Pong("unasked")]);

        Assert.Equal("asked", (await asked.WaitAsync(Bound)).RunId);
        await AwaitConditionAsync(() => Task.FromResult(!client.IsConnected), Bound);
        var refused = await Assert.ThrowsAsync<IOException>(() => client.SendAsync("runtime.ping", runId: "after").WaitAsync(Bound));
        Assert.Equal($"{peer.Path} sent a reply nobody asked for; replies can no longer be matched", refused.InnerException?.Message);

        // Refusing must not leave the client's lock held: a thread of its own is never the holder, so a
        // reentrant acquire cannot hide a leak (one did hang the read loop).
        Assert.False(await Task.Factory.StartNew(() => client.IsConnected, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(Bound));

        // The refused request was never written: after the half-close the peer reads end of stream next.
        client.CompleteWrites();
        Assert.Null(await connection.ReadLineAsync());
    }

    [Fact]
    public async Task Client_should_still_receive_replies_after_completing_writes_and_then_see_the_host_close()
    {
        var binding = await StartAsync();
        Sys.EventStream.Subscribe(TestActor, typeof(TestChannelActor.DelayStarted));
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("test"));
        var first = client.SendAsync("test.delay", "1000", runId: "first");
        var second = client.SendAsync("test.echo", "2", runId: "second");
        await ExpectMsgAsync(new TestChannelActor.DelayStarted("first"));

        client.CompleteWrites();

        // Both replies are still owed when the write side is shut: they must come over the read side.
        Assert.False(first.IsCompleted || second.IsCompleted);
        Assert.Equal(("test.delay.ok", "first", "1000"), Summary(await first.WaitAsync(Bound)));
        Assert.Equal(("test.echo.ok", "second", "2"), Summary(await second.WaitAsync(Bound)));

        // The host closes only at end of stream (idle-timeout is off), once it owes nothing.
        await AwaitConditionAsync(() => Task.FromResult(!client.IsConnected), Bound);
    }

    private static (string MessageType, string? RunId, string Payload) Summary(IpcResponse reply) =>
        (reply.MessageType, reply.RunId, reply.PayloadJson);

    private static byte[] Pong(string runId) => IpcCodec.EncodeResponse(IpcResponse.Success("runtime.pong", runId, "{}"));
}
