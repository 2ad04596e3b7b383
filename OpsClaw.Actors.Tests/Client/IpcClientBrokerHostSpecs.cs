using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// The broker side of <see cref="IpcClient"/> against the real host (docs/api-reference.md, "Client";
/// docs/protocol.md §9): replies and deliveries on one pipelined connection, explicit acks with a nack
/// delivered again, and an at-most-once subscriber that falls behind accounting for every message.
/// </summary>
public sealed class IpcClientBrokerHostSpecs : SocketSpecBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task One_connection_should_take_its_own_deliveries_between_the_replies_to_its_pipelined_publishes()
    {
        var binding = await StartAsync();
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await using var subscription = await client.SubscribeAsync("runs.>", new SubscribeOptions { MaxPending = 1000 });
        const int Messages = 300;

        var publishes = Enumerable.Range(0, Messages)
            .Select(i => client.PublishAsync($"runs.r{N(i)}", $"{{\"i\":{N(i)},\"x\":1.50}}", key: i % 2 == 0 ? "even" : null, runId: "p" + N(i)))
            .ToList();

        Assert.All(await Task.WhenAll(publishes).WaitAsync(Bound), matched => Assert.Equal(1, matched));
        var deliveries = await subscription.TakeAsync(Messages);
        Assert.Equal(Enumerable.Range(1, Messages).Select(n => (long)n), deliveries.Select(delivery => delivery.DeliveryNumber));
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"{{\"i\":{N(i)},\"x\":1.50}}"), deliveries.Select(delivery => delivery.Body));
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => "p" + N(i)), deliveries.Select(delivery => delivery.RunId));
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => i % 2 == 0 ? "even" : null), deliveries.Select(delivery => delivery.Key));
        Assert.All(deliveries, delivery => Assert.Equal((subscription.Id, false, 0L), (delivery.Subscription, delivery.Redelivered, delivery.Dropped)));
    }

    [Fact]
    public async Task A_nacked_delivery_should_come_again_marked_redelivered_and_acked_ones_should_not()
    {
        var binding = await StartAsync();
        await using var subscriber = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await using var publisher = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await using var subscription = await subscriber.SubscribeAsync("jobs.*", new SubscribeOptions { Ack = AckMode.Explicit, MaxPending = 8 });

        Assert.Equal(1, await publisher.PublishAsync("jobs.a", "\"first\""));
        Assert.Equal(1, await publisher.PublishAsync("jobs.b", new JValue("second")));
        var firstTwo = await subscription.TakeAsync(2);
        Assert.Equal([("\"first\"", 1L, false), ("\"second\"", 2L, false)], firstTwo.Select(Summary));

        await firstTwo[0].NackAsync();
        await firstTwo[1].AckAsync();
        var again = Assert.Single(await subscription.TakeAsync(1));
        Assert.Equal(("\"first\"", 3L, true), Summary(again));
        Assert.Equal("jobs.a", again.Topic);

        // The acked delivery cannot be settled twice; the nacked one was handed back under its old number.
        var twice = await Assert.ThrowsAsync<IpcRequestException>(() => firstTwo[1].AckAsync());
        Assert.Equal((IpcErrors.UnknownDeliveryCode, $"unknown delivery 2 of '{subscription.Id}'"), (twice.ErrorCode, twice.Response.Error));
        await Assert.ThrowsAsync<IpcRequestException>(() => firstTwo[0].AckAsync());
        await subscription.AckUpToAsync(again.DeliveryNumber);

        var figures = Assert.Single(Assert.Single((await TopicsAsync(binding)).Patterns).Subscriptions);
        Assert.Equal((0L, 3L, 1L), (figures.Pending, figures.Delivered, figures.Redelivered));
    }

    [Fact]
    public async Task An_at_most_once_subscriber_that_falls_behind_should_account_for_every_message_as_delivered_or_dropped()
    {
        var binding = await StartAsync();
        await using var subscriber = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await using var publisher = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        await using var subscription = await subscriber.SubscribeAsync("flood", new SubscribeOptions { MaxPending = 4 });
        const int Messages = 2000;

        // Nobody takes deliveries while these go out: the host or the client's buffer of 4 drops most.
        for (var start = 0; start < Messages; start += 250)
        {
            await Task.WhenAll(Enumerable.Range(start, 250).Select(i => publisher.PublishAsync("flood", N(i)))).WaitAsync(Bound);
        }

        // Then markers, one at a time, while the deliveries are taken: the first marker that is not itself
        // dropped carries the count of everything dropped since the last delivery taken before it.
        var taking = Task.Run(async () =>
        {
            var taken = new List<Delivery>();
            await foreach (var delivery in subscription.Deliveries.WithCancellation(new CancellationTokenSource(Bound).Token))
            {
                taken.Add(delivery);
                if (delivery.Body.StartsWith("\"mark-", StringComparison.Ordinal))
                {
                    break;
                }
            }

            return taken;
        });
        for (var marker = 0; marker < 10 && !taking.IsCompleted; marker++)
        {
            await publisher.PublishAsync("flood", $"\"mark-{N(marker)}\"");
            await Task.WhenAny(taking, Task.Delay(TimeSpan.FromSeconds(1)));
        }

        var taken = await taking.WaitAsync(Bound);
        var seen = int.Parse(taken[^1].Body.Trim('"')["mark-".Length..], CultureInfo.InvariantCulture);
        Assert.True(Messages + seen + 1 == taken.Sum(delivery => 1 + delivery.Dropped), string.Join("\n", taken.Select(d => $"{d.DeliveryNumber} {d.Body} {d.Dropped}")));
        Assert.True(taken.Count < Messages, $"all {taken.Count} deliveries came: the subscriber did not fall behind");
        Assert.Equal(taken.Count, taken.Select(delivery => delivery.Body).Distinct().Count());
        var dropping = taken.First(delivery => delivery.Dropped > 0);
        Assert.Equal(dropping.Dropped, (long)JObject.Parse(dropping.PayloadJson)["dropped"]!);
    }

    [Fact]
    public async Task Unsubscribing_should_end_the_enumeration_and_the_subscription_on_the_host()
    {
        var binding = await StartAsync();
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        var subscription = await client.SubscribeAsync("runs.>", new SubscribeOptions { Group = "g", Ack = AckMode.Explicit });
        Assert.Equal("g", Assert.Single(Assert.Single((await TopicsAsync(binding)).Patterns).Groups).Name);
        var reading = Task.Run(async () => await subscription.Deliveries.CountAsync());

        await subscription.UnsubscribeAsync();

        Assert.Equal(0, await reading.WaitAsync(Bound));
        Assert.Empty((await TopicsAsync(binding)).Patterns);
        Assert.Equal(0, await client.PublishAsync("runs.a", "1"));
        var gone = await Assert.ThrowsAsync<IpcRequestException>(() => subscription.AckUpToAsync(1));
        Assert.Equal(IpcErrors.UnknownSubscriptionCode, gone.ErrorCode);
    }

    [Fact]
    public async Task Errors_of_the_broker_should_surface_as_IpcRequestException_with_their_code()
    {
        var binding = await StartAsync();
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));

        var badTopic = await Assert.ThrowsAsync<IpcRequestException>(() => client.PublishAsync("runs..r1", "{}"));
        Assert.Equal((IpcErrors.InvalidPayloadCode, MessageTypes.RuntimePublish), (badTopic.ErrorCode, badTopic.RequestType));
        var badPattern = await Assert.ThrowsAsync<IpcRequestException>(() => client.SubscribeAsync("runs.>.x"));
        Assert.Equal((IpcErrors.InvalidPayloadCode, MessageTypes.RuntimeSubscribe), (badPattern.ErrorCode, badPattern.RequestType));
        Assert.StartsWith("runtime.subscribe failed: invalid_payload: invalid payload for 'runtime.subscribe': ", badPattern.Message, StringComparison.Ordinal);
    }

    private async Task<TopicsReport> TopicsAsync(Actors.Ipc.IpcBinding binding)
    {
        await using var control = await IpcClient.ConnectAsync(binding.PathOf("control"));
        var reply = await control.SendAsync(MessageTypes.ControlTopics, timeout: Bound);
        Assert.True(reply.Ok, reply.Error);
        return JsonConvert.DeserializeObject<TopicsReport>(reply.PayloadJson)!;
    }

    private static (string Body, long Number, bool Redelivered) Summary(Delivery delivery) => (delivery.Body, delivery.DeliveryNumber, delivery.Redelivered);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
