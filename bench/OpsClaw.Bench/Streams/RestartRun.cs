using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary>Figures of one restart: what was stored, how long until a publish was answered as stored again, and whether its sequence followed on.</summary>
internal sealed record RestartResult(
    long Stored,
    double ReadyLineSeconds,
    double ReadySeconds,
    double RecoveryCpuSeconds,
    long RssMiB,
    long Errors,
    string Notes);

/// <summary>
/// Scenario (c): the server holding <c>Stored</c> messages is killed with SIGKILL (a crash: no
/// shutdown, no final snapshot) and started again on the same data. Ready is the time from
/// starting the new process to the first publish to the stream answered as stored. A publish
/// waits for its answer as long as the time limit allows (opsclaw holds a publish while its
/// stream recovers); only one refused or never sent (no socket yet) is tried again, 50 ms later,
/// on a new connection. The answer's sequence must follow the last stored before the kill, allowing
/// one more for each refused publish (a refused publish may or may not be stored).
/// </summary>
internal static class RestartRun
{
    private static readonly TimeSpan ProbePause = TimeSpan.FromMilliseconds(50);

    public static async Task<RestartResult> RunAsync(StreamTarget target, long stored, TimeSpan limit)
    {
        var notes = new List<string>();
        await target.KillAsync().ConfigureAwait(false);

        var started = Stopwatch.GetTimestamp();
        await target.RestartAsync().ConfigureAwait(false);
        var readyLine = Stopwatch.GetElapsedTime(started);

        long seq = -1;
        var attempts = 0;
        string? lastError = null;

        // Bounded by the time limit.
        while (seq < 0 && Stopwatch.GetElapsedTime(started) < limit)
        {
            attempts++;
            (seq, lastError) = await ProbeAsync(target, limit - Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
            if (seq < 0)
            {
                await Task.Delay(ProbePause).ConfigureAwait(false);
            }
        }

        var ready = Stopwatch.GetElapsedTime(started);
        var cpu = target.HostCpu();
        var rss = target.Server.Probe.RssKiB() / 1024;
        long errors = 0;
        if (seq < 0)
        {
            errors++;
            notes.Add($"no publish answered as stored within {limit.TotalSeconds:N0} s ({attempts} tries; last: {lastError})");
        }
        else if (seq < stored + 1 || seq > stored + attempts)
        {
            errors++;
            notes.Add($"the first publish answered after the restart got seq {seq:N0}, expected {stored + 1:N0}" + (attempts > 1 ? $" to {stored + attempts:N0}" : ""));
        }

        if (attempts > 1 && seq >= 0)
        {
            notes.Add($"{attempts} tries (first refusal: {lastError ?? "no answer"})");
        }

        return new RestartResult(stored, readyLine.TotalSeconds, ready.TotalSeconds, cpu.TotalSeconds, rss, errors, string.Join("; ", notes));
    }

    /// <summary>One publish on a new connection; its sequence once stored, or -1 and why not.</summary>
    private static async Task<(long Seq, string? Error)> ProbeAsync(StreamTarget target, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1));
        try
        {
            var socket = await BrokerDialect.ConnectAsync(target.Address, timeout.Token).ConfigureAwait(false);
            using var publisher = new AckedPublisher(target.Protocol, socket, 0, 1);
            await publisher.OpenAsync(timeout.Token).ConfigureAwait(false);
            var receiving = Task.Run(() => publisher.ReceiveAsync(timeout.Token));
            await publisher.PublishAsync(new LoadPhase(), new PublishBudget(1), timeout.Token).ConfigureAwait(false);
            publisher.Close();
            await receiving.ConfigureAwait(false);
            return publisher.Acked == 1 ? (publisher.HighestSeq, null) : (-1, publisher.FirstError ?? "no answer");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException or BrokerRefusedException)
        {
            return (-1, ex.Message);
        }
    }
}
