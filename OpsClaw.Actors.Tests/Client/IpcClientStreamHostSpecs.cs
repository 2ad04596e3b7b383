using System.Collections.Concurrent;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// The stream side of <see cref="IpcClient"/> against the real host serving a declared stream
/// (docs/broker.md, "Streams"): stored publishes acked with their sequence numbers, a durable consumer
/// reading them from the start, resuming after what it acknowledged, shared by two connections, and
/// <c>control.streams</c> reporting it. These need the host's stream support.
/// </summary>
public sealed class IpcClientStreamHostSpecs : SocketSpecBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private string Streams => $$"""
        opsclaw.broker.storage.sqlite-file = "{{Path.Combine(Dir.Path, "broker.db")}}"
        opsclaw.broker.streams.orders { subjects = ["orders.>"] }
        """;

    [Fact]
    public async Task A_publish_to_a_stream_subject_should_be_acked_with_the_stream_and_consecutive_seqs()
    {
        var binding = await StartAsync(Streams);
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));

        var acks = new List<PublishAckPayload>();
        for (var i = 1; i <= 3; i++)
        {
            acks.Add(await client.PublishWithAckAsync($"orders.o{i}", "{}"));
        }

        Assert.Equal([new(0, "orders", 1), new(0, "orders", 2), new(0, "orders", 3)], acks);
        Assert.Equal(new PublishAckPayload(0), await client.PublishWithAckAsync("runs.r1", "{}"));
        Assert.Equal(0, await client.PublishAsync("orders.o4", "{}"));
    }

    [Fact]
    public async Task A_durable_consumer_should_read_the_stream_from_the_start_and_resume_after_what_it_acked()
    {
        var binding = await StartAsync(Streams);
        await using var publisher = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        for (var i = 1; i <= 4; i++)
        {
            await publisher.PublishWithAckAsync($"orders.o{i}", $"{{\"n\":{i}}}", key: $"k{i}");
        }

        var options = new SubscribeOptions { Stream = "orders", Durable = "worker", Start = StreamStart.All, MaxPending = 10 };
        await using (var first = await IpcClient.ConnectAsync(binding.PathOf("runtime")))
        {
            var subscription = await first.SubscribeAsync(">", options);
            Assert.Equal(AckMode.Explicit, subscription.Ack);
            var deliveries = await subscription.TakeAsync(4);
            Assert.Equal(
                [("orders.o1", "{\"n\":1}", "k1", "orders", 1L), ("orders.o2", "{\"n\":2}", "k2", "orders", 2L), ("orders.o3", "{\"n\":3}", "k3", "orders", 3L), ("orders.o4", "{\"n\":4}", "k4", "orders", 4L)],
                deliveries.Select(d => (d.Topic, d.Body, d.Key, d.Stream, d.Seq)));
            await deliveries[0].AckAsync();
            await deliveries[1].AckAsync();
        }

        await using var control = await IpcClient.ConnectAsync(binding.PathOf("control"));
        var consumer = Assert.Single(Assert.Single((await control.StreamsAsync(Bound)).Streams).Consumers);
        Assert.Equal(("worker", 2L), (consumer.Name, consumer.AckedSeq));

        // The durable exists: its start is ignored, and it resumes after seq 2, the rest delivered again.
        await using var second = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        var resumed = await second.SubscribeAsync(">", options with { Start = StreamStart.New });
        var again = await resumed.TakeAsync(2);
        Assert.Equal([3L, 4L], again.Select(delivery => delivery.Seq!.Value));
        await resumed.AckUpToAsync(again[^1].DeliveryNumber);
    }

    [Fact]
    public async Task Two_connections_with_the_same_durable_should_share_its_messages()
    {
        var binding = await StartAsync(Streams);
        var options = new SubscribeOptions { Stream = "orders", Durable = "shared" };
        await using var one = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await using var two = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        var members = new[] { await one.SubscribeAsync("orders.*", options), await two.SubscribeAsync("orders.*", options) };
        await using var control = await IpcClient.ConnectAsync(binding.PathOf("control"));
        Assert.Equal(2, Assert.Single(Assert.Single((await control.StreamsAsync(Bound)).Streams).Consumers).Members);

        const int Messages = 20;
        for (var i = 1; i <= Messages; i++)
        {
            await one.PublishAsync($"orders.o{i}", "1", key: $"k{i}");
        }

        // Each member acks what it takes; once every seq is in, both stop waiting.
        var seen = new ConcurrentQueue<long>();
        using var done = new CancellationTokenSource(Bound);
        await Task.WhenAll(members.Select(member => Task.Run(async () =>
        {
            try
            {
                await foreach (var delivery in member.Deliveries.WithCancellation(done.Token))
                {
                    await delivery.AckAsync();
                    seen.Enqueue(delivery.Seq!.Value);
                    if (seen.Count == Messages)
                    {
                        await done.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
            }
        })));

        // Every seq exactly once between them: a queue, not a fan-out.
        Assert.Equal(Enumerable.Range(1, Messages).Select(n => (long)n), seen.Order());
    }

    [Fact]
    public async Task Streams_should_report_the_declared_stream_with_its_range_and_storage()
    {
        var binding = await StartAsync(Streams);
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await client.PublishAsync("orders.a", "\"x\"");
        await client.PublishAsync("orders.b", "\"y\"");

        await using var control = await IpcClient.ConnectAsync(binding.PathOf("control"));
        var report = await control.StreamsAsync(Bound);

        Assert.Equal("sqlite", report.Storage);
        var stream = Assert.Single(report.Streams);
        Assert.Equal(("orders", "ready", 1L, 2L, 2L), (stream.Name, stream.Status, stream.FirstSeq, stream.LastSeq, stream.Messages));
        Assert.Equal(["orders.>"], stream.Subjects);
        Assert.True(stream.Bytes > 0, $"bytes {stream.Bytes}");
        Assert.Empty(stream.Consumers);
    }
}
