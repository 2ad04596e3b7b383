using System.Globalization;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>The broker through real sockets (docs/protocol.md §9): what a client sees on the wire.</summary>
public sealed class BrokerSocketSpecs : SocketSpecBase
{
    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_delivery_line_should_carry_every_field_in_the_documented_order()
    {
        var binding = await StartAsync();
        using var subscriber = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var publisher = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        Assert.Equal("s1", await subscriber.SubscribeAsync("runs.*"));

        await publisher.Connection.WriteAsync(WireClient.Publish("runs.r42", "{ \"step\" : 1, \"ok\" : [true, null, 1.50] }", key: "r42", runId: "run-1"));
        Assert.Equal("{\"matched\":1}", (string)(await publisher.ReplyAsync())["payload_json"]!);

        await subscriber.DeliveryAsync();
        Assert.Equal(
            "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.message\",\"run_id\":\"run-1\","
            + "\"payload_json\":\"{\\\"subscription\\\":\\\"s1\\\",\\\"topic\\\":\\\"runs.r42\\\",\\\"delivery\\\":1,\\\"redelivered\\\":false,"
            + "\\\"body\\\":{\\\"step\\\":1,\\\"ok\\\":[true,null,1.50]},\\\"key\\\":\\\"r42\\\"}\",\"ok\":true,\"error\":null,\"error_code\":null}",
            subscriber.Lines[^1]);
    }

    [Fact]
    public async Task Deliveries_should_come_between_pipelined_replies_never_before_the_subscribe_ack_nor_reordering_replies()
    {
        var binding = await StartAsync();
        using var client = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        const int Rounds = 200;
        var requests = new List<string> { RawConnection.Request("runtime.subscribe", "sub", "{\"topic\":\"t\"}") };
        for (var i = 0; i < Rounds; i++)
        {
            requests.Add(WireClient.Publish("t", N(i), runId: "p" + N(i)));
            requests.Add(RawConnection.Request("runtime.ping", "ping" + N(i)));
        }

        await client.SendAllAsync(requests);
        var replies = new List<JObject>();
        var deliveries = new List<JObject>();
        while (replies.Count < requests.Count || deliveries.Count < Rounds)
        {
            var line = await client.NextAsync();
            if ((string?)line["message_type"] == "runtime.message")
            {
                Assert.NotEmpty(replies);
                deliveries.Add(WireClient.Payload(line));
            }
            else
            {
                replies.Add(line);
            }
        }

        Assert.Equal("sub", (string?)replies[0]["run_id"]);
        Assert.Equal(
            Enumerable.Range(0, Rounds).SelectMany(i => new[] { "p" + N(i), "ping" + N(i) }),
            replies.Skip(1).Select(reply => (string)reply["run_id"]!));
        Assert.Equal(Enumerable.Range(1, Rounds).Select(n => (long)n), deliveries.Select(delivery => (long)delivery["delivery"]!));
        Assert.Equal(Enumerable.Range(0, Rounds), deliveries.Select(delivery => (int)delivery["body"]!));
    }

    [Fact]
    public async Task Ten_thousand_messages_from_one_publisher_should_reach_a_subscriber_in_order()
    {
        var binding = await StartAsync();
        using var subscriber = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var publisher = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        await subscriber.SubscribeAsync("stream.>", maxPending: 65536);
        const int Messages = 10_000;

        var publishing = Task.Run(async () =>
        {
            for (var start = 0; start < Messages; start += 500)
            {
                await publisher.SendAllAsync(Enumerable.Range(start, 500).Select(i => WireClient.Publish("stream.a", N(i))));
                for (var i = 0; i < 500; i++)
                {
                    Assert.Equal("runtime.publish.ack", (string?)(await publisher.ReplyAsync())["message_type"]);
                }
            }
        });

        for (var i = 0; i < Messages; i++)
        {
            var delivery = await subscriber.DeliveryAsync();
            Assert.Equal((i + 1L, i), ((long)delivery["delivery"]!, (int)delivery["body"]!));
            Assert.Null(delivery["dropped"]);
        }

        await publishing;
    }

    [Fact]
    public async Task Three_group_members_with_explicit_acks_should_share_3000_messages_none_lost_or_duplicated()
    {
        var binding = await StartAsync();
        const int Messages = 3000;
        var members = new List<WireClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                members.Add(await WireClient.ConnectAsync(binding.PathOf("runtime")));
                await members[i].SubscribeAsync("jobs.*", group: "workers", ack: "explicit", maxPending: 64);
            }

            using var publisher = await WireClient.ConnectAsync(binding.PathOf("runtime"));
            var received = new int[Messages];
            var total = 0;
            var consumers = members.Select(member => Task.Run(async () =>
            {
                var mine = 0;
                while (Volatile.Read(ref total) < Messages)
                {
                    JObject delivery;
                    try
                    {
                        delivery = await member.DeliveryAsync(TimeSpan.FromMilliseconds(500));
                    }
                    catch (OperationCanceledException)
                    {
                        continue;
                    }

                    Interlocked.Increment(ref received[(int)delivery["body"]!]);
                    Interlocked.Increment(ref total);
                    mine++;
                    await member.SendAsync("runtime.ack", $"{{\"subscription\":\"s1\",\"delivery\":{(long)delivery["delivery"]!}}}");
                }

                return mine;
            })).ToArray();

            for (var start = 0; start < Messages; start += 300)
            {
                await publisher.SendAllAsync(Enumerable.Range(start, 300).Select(i => WireClient.Publish("jobs.x", N(i))));
                for (var i = 0; i < 300; i++)
                {
                    Assert.Equal("{\"matched\":1}", (string?)(await publisher.ReplyAsync())["payload_json"]);
                }
            }

            var perMember = await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.All(received, count => Assert.Equal(1, count));
            Assert.All(perMember, count => Assert.InRange(count, 1, Messages));
        }
        finally
        {
            members.ForEach(member => member.Dispose());
        }
    }

    [Fact]
    public async Task A_consumer_killed_mid_stream_should_have_every_message_it_did_not_ack_delivered_to_the_survivor_marked_redelivered()
    {
        var binding = await StartAsync();
        const int Messages = 500;
        var doomed = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var survivor = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var publisher = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        await doomed.SubscribeAsync("work", group: "g", ack: "explicit", maxPending: 50);
        await survivor.SubscribeAsync("work", group: "g", ack: "explicit", maxPending: 50);

        await publisher.SendAllAsync(Enumerable.Range(0, Messages).Select(i => WireClient.Publish("work", N(i))));
        var doomedGot = new HashSet<int>();
        for (var i = 0; i < 20; i++)
        {
            doomedGot.Add((int)(await doomed.DeliveryAsync())["body"]!);
        }

        // Killed without a word: the host learns it from the closed socket, and nothing it held was acked.
        doomed.Connection.Socket.Close(0);
        doomed.Dispose();

        var survivorGot = new Dictionary<int, bool>();
        while (survivorGot.Count < Messages)
        {
            var delivery = await survivor.DeliveryAsync();
            Assert.True(survivorGot.TryAdd((int)delivery["body"]!, (bool)delivery["redelivered"]!), "delivered twice to the survivor: " + delivery);
            await survivor.SendAsync("runtime.ack", $"{{\"subscription\":\"s1\",\"delivery\":{(long)delivery["delivery"]!}}}");
        }

        Assert.Equal(Enumerable.Range(0, Messages), survivorGot.Keys.Order());
        Assert.All(doomedGot, body => Assert.True(survivorGot[body], $"message {body} was held by the killed consumer but not marked redelivered"));
        for (var i = 0; i < Messages; i++)
        {
            Assert.Equal("runtime.publish.ack", (string?)(await publisher.ReplyAsync())["message_type"]);
        }
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_should_hold_at_most_max_pending_and_be_told_what_it_missed()
    {
        var binding = await StartAsync();
        using var slow = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var publisher = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var control = await WireClient.ConnectAsync(binding.PathOf("control"));
        await slow.SubscribeAsync("firehose", maxPending: 10);
        var body = "\"" + new string('x', 16 * 1024) + "\"";
        const int Burst = 2000;

        // 32 MiB published at a subscriber that reads nothing: every publish is still acknowledged.
        for (var start = 0; start < Burst; start += 200)
        {
            await publisher.SendAllAsync(Enumerable.Range(start, 200).Select(_ => WireClient.Publish("firehose", body)));
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal("{\"matched\":1}", (string?)(await publisher.ReplyAsync())["payload_json"]);
            }
        }

        var topics = await control.RequestAsync("control.topics");
        var figures = topics["patterns"]![0]!["subscriptions"]![0]!;
        Assert.InRange((long)figures["pending"]!, 0, 10);
        Assert.True((long)figures["dropped"]! > 0, topics.ToString());

        // Reading now: every publish is either delivered or counted in a later delivery's "dropped".
        var published = Burst;
        long delivered = 0;
        long dropped = 0;
        var endSeen = false;
        for (var attempt = 0; attempt < 50 && !endSeen; attempt++)
        {
            await publisher.Connection.WriteAsync(WireClient.Publish("firehose", "\"end\""));
            published++;
            Assert.Equal("runtime.publish.ack", (string?)(await publisher.ReplyAsync())["message_type"]);
            while (!endSeen)
            {
                JObject delivery;
                try
                {
                    delivery = await slow.DeliveryAsync(TimeSpan.FromMilliseconds(300));
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delivered++;
                Assert.Equal(delivered, (long)delivery["delivery"]!);
                dropped += (long?)delivery["dropped"] ?? 0;
                endSeen = (string?)delivery["body"] == "end";
            }
        }

        Assert.True(endSeen);
        Assert.Equal(published, delivered + dropped);
    }

    [Fact]
    public async Task A_half_closed_subscriber_should_lose_its_subscriptions_at_once()
    {
        var binding = await StartAsync();
        using var subscriber = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var publisher = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        await subscriber.SubscribeAsync("x.>");
        Assert.Equal(1, (int)(await publisher.RequestAsync("runtime.publish", "{\"topic\":\"x.y\",\"body\":1}"))["matched"]!);

        subscriber.Connection.HalfClose();

        await AwaitAssertAsync(
            async () => Assert.Equal(0, (int)(await publisher.RequestAsync("runtime.publish", "{\"topic\":\"x.y\",\"body\":2}"))["matched"]!),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_half_closed_durable_subscriber_should_lose_its_subscription_at_once()
    {
        // As for a live subscription (above).
        var binding = await StartAsync($"opsclaw.broker.storage.sqlite-file = \"{Path.Combine(Dir.Path, "broker.db")}\"\nopsclaw.broker.streams.orders {{ subjects = [\"orders.>\"] }}");
        using var subscriber = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var control = await WireClient.ConnectAsync(binding.PathOf("control"));
        await subscriber.RequestAsync("runtime.subscribe", "{\"topic\":\"orders.>\",\"stream\":\"orders\",\"durable\":\"billing\",\"start\":\"all\"}");
        Assert.Equal(1L, (long)(await control.RequestAsync("control.status"))["broker"]!["subscriptions"]!);

        subscriber.Connection.HalfClose();

        await AwaitAssertAsync(
            async () => Assert.Equal(0L, (long)(await control.RequestAsync("control.status"))["broker"]!["subscriptions"]!),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Control_topics_and_status_should_show_the_brokers_subscriptions_and_totals()
    {
        var binding = await StartAsync();
        using var subscriber = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        using var control = await WireClient.ConnectAsync(binding.PathOf("control"));
        await subscriber.SubscribeAsync("alerts.*", group: "ops");
        await subscriber.RequestAsync("runtime.publish", "{\"topic\":\"alerts.disk\",\"body\":{}}");
        await subscriber.DeliveryAsync();

        await AwaitAssertAsync(async () =>
        {
            var topics = await control.RequestAsync("control.topics");
            var group = topics["patterns"]![0]!["groups"]![0]!;
            Assert.Equal(("alerts.*", "ops", "none"), ((string)topics["patterns"]![0]!["pattern"]!, (string)group["name"]!, (string)group["ack"]!));
            var member = group["members"]![0]!;
            Assert.Equal(("s1", 1L, 0L), ((string)member["subscription"]!, (long)member["delivered"]!, (long)member["pending"]!));
        }, TimeSpan.FromSeconds(5));

        var broker = (await control.RequestAsync("control.status"))["broker"]!;
        Assert.True((long)broker["published"]! >= 1);
        Assert.True((long)broker["delivered"]! >= 1);
        Assert.Equal(1L, (long)broker["subscriptions"]!);
    }

    [Fact]
    public async Task The_broker_should_take_its_bounds_from_the_settings_the_host_was_started_with()
    {
        var binding = await StartAsync("opsclaw.broker.max-subscriptions-per-connection = 1");
        using var client = await WireClient.ConnectAsync(binding.PathOf("runtime"));
        await client.SubscribeAsync("a");

        await client.SendAsync("runtime.subscribe", "{\"topic\":\"b\"}");

        var refused = await client.ReplyAsync();
        Assert.Equal(("limit_exceeded", "subscription limit (1) reached"), ((string?)refused["error_code"], (string?)refused["error"]));
    }
}
