using System.Diagnostics;
using HdrHistogram;

namespace OpsClaw.Bench;

/// <summary>Figures of one durable-publish run: acknowledged publishes over the measured window, CPU per acknowledged publish.</summary>
internal sealed record PublishResult(
    double AckedPerSecond,
    double P50Us,
    double P99Us,
    double HostCpuUsPerMessage,
    double StorageCpuUsPerMessage,
    long Acked,
    long HighestSeq,
    long Errors,
    string Notes);

/// <summary>
/// Publishes to the stream from <see cref="Publishers"/> connections, each keeping <see cref="Depth"/>
/// publishes unanswered, and counts the answers that say a message is stored. A timed run publishes
/// through a warm-up and a measured window; a fill publishes a given count within a time limit.
/// Either way every publisher then waits for the answers to what it sent.
/// </summary>
internal static class PublishRun
{
    public const int Publishers = 16;
    public const int Depth = 32;

    /// <summary>
    /// A fill only has to store messages quickly, not measure anything: deeper pipelines let each
    /// read of a connection carry more publishes, which opsclaw stores as one journal write.
    /// </summary>
    public const int FillDepth = 128;

    /// <summary>The measured run of scenario (a).</summary>
    public static Task<PublishResult> TimedAsync(StreamTarget target, TimeSpan warmUp, TimeSpan window) =>
        RunAsync(target, Depth, PublishBudget.Unbounded(), warmUp, window);

    /// <summary>Publishes <paramref name="count"/> messages, or as many as fit in <paramref name="limit"/>; the whole fill is the window.</summary>
    public static Task<PublishResult> FillAsync(StreamTarget target, long count, TimeSpan limit) =>
        RunAsync(target, FillDepth, new PublishBudget(count), TimeSpan.Zero, limit);

    private static async Task<PublishResult> RunAsync(StreamTarget target, int depth, PublishBudget budget, TimeSpan warmUp, TimeSpan window)
    {
        using var deadline = new CancellationTokenSource(warmUp + window + TimeSpan.FromSeconds(60));
        var phase = new LoadPhase();
        var publishers = new List<AckedPublisher>();
        try
        {
            for (var index = 0; index < Publishers; index++)
            {
                var socket = await BrokerDialect.ConnectAsync(target.Address, deadline.Token).ConfigureAwait(false);
                var publisher = new AckedPublisher(target.Protocol, socket, index, depth);
                publishers.Add(publisher);
                await publisher.OpenAsync(deadline.Token).ConfigureAwait(false);
            }

            var receiving = publishers.Select(publisher => Task.Run(() => publisher.ReceiveAsync(deadline.Token))).ToArray();
            var publishing = publishers.Select(publisher => Task.Run(() => publisher.PublishAsync(phase, budget, deadline.Token))).ToArray();

            await Task.Delay(warmUp).ConfigureAwait(false);
            var hostBefore = target.HostCpu();
            var storageBefore = target.StorageCpu();
            var started = Stopwatch.GetTimestamp();
            phase.StartMeasuring();

            // A fill ends when its budget is spent (every publisher done) or at its time limit, whichever comes first.
            await Task.WhenAny(Task.WhenAll(publishing), Task.Delay(window)).ConfigureAwait(false);
            phase.Stop();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var hostCpu = target.HostCpu() - hostBefore;
            var storageCpu = target.StorageCpu() - storageBefore;

            await Task.WhenAll(publishing).ConfigureAwait(false);
            foreach (var publisher in publishers)
            {
                publisher.Close();
            }

            await Task.WhenAll(receiving).ConfigureAwait(false);
            return Summarize(publishers, elapsed, hostCpu, storageCpu);
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                publisher.Dispose();
            }
        }
    }

    private static PublishResult Summarize(List<AckedPublisher> publishers, TimeSpan elapsed, TimeSpan hostCpu, TimeSpan storageCpu)
    {
        var latencies = new LongHistogram(1000, 60_000_000_000, 3);
        foreach (var publisher in publishers)
        {
            latencies.Add(publisher.Latencies);
        }

        var measured = publishers.Sum(publisher => publisher.MeasuredAcks);
        var stalled = publishers.Count(publisher => publisher.Stalled);
        var errors = publishers.Sum(publisher => publisher.Errors) + stalled;
        var notes = new List<string>();
        if (stalled > 0)
        {
            notes.Add($"{stalled} publishers stalled (nothing answered for 10 s)");
        }

        if (publishers.Select(publisher => publisher.FirstError).FirstOrDefault(error => error is not null) is { } firstError)
        {
            notes.Add("first error: " + firstError);
        }

        double Us(double percentile) => latencies.TotalCount == 0 ? double.NaN : latencies.GetValueAtPercentile(percentile) / 1000.0;
        return new PublishResult(
            measured / elapsed.TotalSeconds,
            Us(50),
            Us(99),
            hostCpu.TotalMilliseconds * 1000 / measured,
            storageCpu.TotalMilliseconds * 1000 / measured,
            publishers.Sum(publisher => publisher.Acked),
            publishers.Max(publisher => publisher.HighestSeq),
            errors,
            string.Join("; ", notes));
    }
}
