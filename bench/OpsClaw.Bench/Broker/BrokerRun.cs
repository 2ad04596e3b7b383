using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace OpsClaw.Bench;

/// <summary>Figures of one broker scenario against one server, over the measured window (losses and errors over the whole run).</summary>
internal sealed record BrokerResult(
    double DeliveredPerSecond,
    double P50Us,
    double P99Us,
    double ServerCores,
    double GeneratorCores,
    long Published,
    long Lost,
    long Errors,
    string Notes)
{
    public double ServerCpuUsPerMessage => ServerCores * 1e6 / DeliveredPerSecond;
}

/// <summary>
/// Runs one <see cref="BrokerScenario"/> against one server, or across the nodes of a cluster as a
/// <see cref="BrokerPlacement"/> says: subscribes, opens the publishers,
/// publishes through a warm-up and a measured window, then lets every subscriber receive what was
/// published (or gives up after a drain timeout) and counts what never arrived.
/// </summary>
internal static class BrokerRun
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(10);

    public static Task<BrokerResult> RunAsync(
        BrokerDialect dialect, string address, BrokerScenario scenario, int inFlight, TimeSpan warmUp, TimeSpan window, ProcessProbe server) =>
        RunAsync(dialect, BrokerPlacement.Single(address, server), scenario, inFlight, warmUp, window);

    public static async Task<BrokerResult> RunAsync(
        BrokerDialect dialect, BrokerPlacement placement, BrokerScenario scenario, int inFlight, TimeSpan warmUp, TimeSpan window)
    {
        using var deadline = new CancellationTokenSource(warmUp + window + TimeSpan.FromSeconds(60));
        var phase = new LoadPhase();
        var group = scenario.Group;
        var explicitAck = group && dialect.HasAcks;
        var seen = group ? Enumerable.Range(0, scenario.Publishers).Select(_ => new SeenSet()).ToArray() : null;
        var subscribers = new List<Subscriber>();
        var publishers = new List<Publisher>();
        try
        {
            for (var index = 0; index < scenario.Subscribers; index++)
            {
                var socket = await BrokerDialect.ConnectAsync(placement.SubscribeAt, deadline.Token).ConfigureAwait(false);
                var subscriber = new Subscriber(dialect, socket, scenario.Publishers, phase, seen, explicitAck);
                subscribers.Add(subscriber);
                await subscriber.SubscribeAsync(scenario.Topic, group ? BrokerScenario.GroupName : null, deadline.Token).ConfigureAwait(false);
            }

            if (placement.Subscribed is { } subscribed)
            {
                await subscribed(deadline.Token).ConfigureAwait(false);
            }

            var frame = dialect.PublishFrame(scenario.Topic, BenchBody.Template());
            var receivers = group ? 1 : scenario.Subscribers;
            for (var index = 0; index < scenario.Publishers; index++)
            {
                var socket = await BrokerDialect.ConnectAsync(placement.PublishAt, deadline.Token).ConfigureAwait(false);
                var publisher = new Publisher(dialect, socket, index, scenario.WindowFor(inFlight), receivers, frame);
                publishers.Add(publisher);
                await publisher.OpenAsync(deadline.Token).ConfigureAwait(false);
            }

            long Settled(int publisher) => group
                ? subscribers.Sum(subscriber => subscriber.Received(publisher))
                : subscribers.Min(subscriber => subscriber.Highest(publisher));
            void Progress()
            {
                foreach (var publisher in publishers)
                {
                    publisher.Pulse.Set();
                }
            }

            var receiving = subscribers.Select(subscriber => Task.Run(() => subscriber.RunAsync(Progress, deadline.Token)))
                .Concat(publishers.Select(publisher => Task.Run(() => publisher.ReceiveAsync(deadline.Token))))
                .ToArray();
            var publishing = publishers.Select(publisher => Task.Run(() => publisher.PublishAsync(phase, Settled, deadline.Token))).ToArray();

            await Task.Delay(warmUp).ConfigureAwait(false);
            var generatorBefore = CpuClock.Generator();
            var serverBefore = placement.ServerCpuTime();
            var started = Stopwatch.GetTimestamp();
            phase.StartMeasuring();

            await Task.Delay(window).ConfigureAwait(false);
            phase.Stop();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var generatorCpu = CpuClock.Generator() - generatorBefore;
            var serverCpu = placement.ServerCpuTime() - serverBefore;

            await Task.WhenAll(publishing).ConfigureAwait(false);
            await DrainAsync(publishers, Settled).ConfigureAwait(false);
            foreach (var connection in subscribers.Concat<BrokerConnection>(publishers))
            {
                connection.Close();
            }

            await Task.WhenAll(receiving).ConfigureAwait(false);
            return Summarize(subscribers, publishers, seen, elapsed, generatorCpu, serverCpu);
        }
        finally
        {
            foreach (var connection in subscribers.Concat<BrokerConnection>(publishers))
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Waits until everything published has arrived (or was refused), at most the drain timeout.</summary>
    private static async Task DrainAsync(List<Publisher> publishers, Func<int, long> settled)
    {
        var started = Stopwatch.GetTimestamp();

        // Bounded by the drain timeout.
        while (Stopwatch.GetElapsedTime(started) < DrainTimeout
            && publishers.Select((publisher, index) => settled(index) + publisher.Refused < publisher.Published).Any(behind => behind))
        {
            await Task.Delay(DrainPoll).ConfigureAwait(false);
        }
    }

    private static BrokerResult Summarize(
        List<Subscriber> subscribers, List<Publisher> publishers, SeenSet[]? seen, TimeSpan elapsed, TimeSpan generatorCpu, TimeSpan serverCpu)
    {
        var latencies = new LongHistogram(100, 10_000_000_000, 3);
        long measured = 0;
        foreach (var subscriber in subscribers)
        {
            latencies.Add(subscriber.Latencies);
            measured += subscriber.Measured;
        }

        var published = publishers.Sum(publisher => publisher.Published);
        var refused = publishers.Sum(publisher => publisher.Refused);
        long lost;
        if (seen is not null)
        {
            lost = published - refused - seen.Sum(set => set.Count);
        }
        else
        {
            // Alone, a subscription receives each publisher's messages in order: what it skipped, and what came after its last one, was lost.
            lost = subscribers.Sum(subscriber => subscriber.Gaps
                + publishers.Select((publisher, index) => publisher.Published - subscriber.Highest(index)).Sum());
        }

        var repeated = subscribers.Sum(subscriber => subscriber.Repeated);
        var wrongReceivers = publishers.Sum(publisher => publisher.WrongReceivers);
        var stalled = publishers.Count(publisher => publisher.Stalled);
        var errors = subscribers.Sum(subscriber => subscriber.Errors) + publishers.Sum(publisher => publisher.Errors)
            + wrongReceivers + stalled;
        var notes = new List<string>();
        AddNote(notes, subscribers.Sum(subscriber => subscriber.DroppedReported), "reported dropped by the server");
        AddNote(notes, subscribers.Sum(subscriber => subscriber.Redelivered), "redelivered");
        AddNote(notes, repeated, "received twice or out of order");
        AddNote(notes, refused, "publishes refused");
        AddNote(notes, wrongReceivers, "publish answers with a wrong receiver count");
        AddNote(notes, stalled, "publishers stalled (window full for 2 s)");
        var firstError = subscribers.Concat<BrokerConnection>(publishers).Select(connection => connection.FirstError).FirstOrDefault(error => error is not null);
        if (firstError is not null)
        {
            notes.Add("first error: " + firstError);
        }

        double Us(double percentile) => latencies.TotalCount == 0 ? double.NaN : latencies.GetValueAtPercentile(percentile) / 1000.0;
        var seconds = elapsed.TotalSeconds;
        return new BrokerResult(
            measured / seconds,
            Us(50),
            Us(99),
            serverCpu.TotalSeconds / seconds,
            generatorCpu.TotalSeconds / seconds,
            published,
            Math.Max(0, lost),
            errors + repeated,
            string.Join("; ", notes));
    }

    private static void AddNote(List<string> notes, long count, string what)
    {
        if (count != 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} {what}"));
        }
    }
}
