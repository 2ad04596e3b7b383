using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;

namespace OpsClaw.Bench;

/// <summary>Figures of one pipelined run, taken over the measured window only.</summary>
internal sealed record LoadResult(
    double RequestsPerSecond,
    double P50Us,
    double P90Us,
    double P99Us,
    double P999Us,
    double GeneratorCores,
    double ServerCores,
    long Errors)
{
    public double ServerCpuUsPerRequest => ServerCores * 1e6 / RequestsPerSecond;
}

/// <summary>
/// N connections × depth D: every connection keeps D pings in flight. After a warm-up (JIT tiering,
/// pools, socket buffers) it measures replies, latency and both processes' CPU over a fixed window.
/// </summary>
internal static class PipelinedLoad
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<LoadResult> RunAsync(
        string socketPath, int connections, int depth, TimeSpan warmUp, TimeSpan window, ProcessProbe server)
    {
        using var deadline = new CancellationTokenSource(warmUp + window + TimeSpan.FromSeconds(30));
        var sockets = await Task.WhenAll(Enumerable.Range(0, connections)
            .Select(_ => Wire.ConnectAsync(socketPath, deadline.Token))).ConfigureAwait(false);
        try
        {
            var pings = Wire.Pings(depth);
            var phase = new LoadPhase();
            var generators = sockets.Select(socket => new LoadConnection(socket, depth, pings)).ToArray();
            var runs = generators.Select(generator => Task.Run(() => generator.RunAsync(phase, deadline.Token))).ToArray();

            await Task.Delay(warmUp).ConfigureAwait(false);
            var generatorBefore = CpuClock.Generator();
            var serverBefore = server.CpuTime();
            var started = Stopwatch.GetTimestamp();
            phase.StartMeasuring();

            await Task.Delay(window).ConfigureAwait(false);
            phase.Stop();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var generatorCpu = CpuClock.Generator() - generatorBefore;
            var serverCpu = server.CpuTime() - serverBefore;

            await DrainAsync(runs, deadline).ConfigureAwait(false);
            return Summarize(generators, elapsed, generatorCpu, serverCpu);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Lets every connection collect the replies it is owed, so the server is left with nothing in flight.</summary>
    private static async Task DrainAsync(Task[] runs, CancellationTokenSource deadline)
    {
        try
        {
            await Task.WhenAll(runs).WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await deadline.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
    }

    private static LoadResult Summarize(LoadConnection[] generators, TimeSpan elapsed, TimeSpan generatorCpu, TimeSpan serverCpu)
    {
        var latencies = new LongHistogram(100, 10_000_000_000, 3);
        long completed = 0;
        long errors = 0;
        foreach (var generator in generators)
        {
            latencies.Add(generator.Latencies);
            completed += generator.Completed;
            errors += generator.Errors;
        }

        double Us(double percentile) => latencies.TotalCount == 0 ? double.NaN : latencies.GetValueAtPercentile(percentile) / 1000.0;
        var seconds = elapsed.TotalSeconds;
        return new LoadResult(
            completed / seconds,
            Us(50),
            Us(90),
            Us(99),
            Us(99.9),
            generatorCpu.TotalSeconds / seconds,
            serverCpu.TotalSeconds / seconds,
            errors);
    }
}
