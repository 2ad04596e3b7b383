using System.Diagnostics;

namespace OpsClaw.Bench;

/// <summary>Figures of one catch-up read: deliveries per second from the subscribe to the last one, CPU per delivery.</summary>
internal sealed record ReadResult(double DeliveredPerSecond, double HostCpuUsPerMessage, double StorageCpuUsPerMessage, long Received, long Errors, string Notes);

/// <summary>
/// Scenario (b): a new durable consumer, one member, reads the first <c>count</c> messages of a
/// stream that holds at least that many, from the start. Timed from the subscribe (opsclaw) or the
/// consumer's creation request (JetStream, once its member is subscribed) to the last delivery read;
/// a read that does not finish within its time limit is reported with what it got.
/// </summary>
internal static class ReadRun
{
    public static async Task<ReadResult> RunAsync(StreamTarget target, string durable, long count, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit + TimeSpan.FromSeconds(30));
        var socket = await BrokerDialect.ConnectAsync(target.Address, deadline.Token).ConfigureAwait(false);
        using var reader = new StreamReader(target.Protocol, socket, count);
        var hostBefore = target.HostCpu();
        var storageBefore = target.StorageCpu();
        var started = Stopwatch.GetTimestamp();
        await reader.SubscribeAsync(durable, deadline.Token).ConfigureAwait(false);
        var receiving = Task.Run(() => reader.RunAsync(deadline.Token));
        await target.Protocol.StartReaderAsync(target.Address, durable, deadline.Token).ConfigureAwait(false);

        var finished = await Task.WhenAny(reader.Done, Task.Delay(limit)).ConfigureAwait(false) == reader.Done;
        var ended = finished ? await reader.Done.ConfigureAwait(false) : Stopwatch.GetTimestamp();
        var hostCpu = target.HostCpu() - hostBefore;
        var storageCpu = target.StorageCpu() - storageBefore;
        var received = Math.Min(reader.Received, count);
        reader.Close();
        await receiving.ConfigureAwait(false);

        var notes = new List<string>();
        if (!finished)
        {
            notes.Add($"read {received:N0} of {count:N0} in the {limit.TotalSeconds:N0} s limit");
        }

        if (reader.OutOfSequence > 0)
        {
            notes.Add($"{reader.OutOfSequence:N0} deliveries out of sequence");
        }

        if (reader.FirstError is { } firstError)
        {
            notes.Add("first error: " + firstError);
        }

        var seconds = Stopwatch.GetElapsedTime(started, ended).TotalSeconds;
        return new ReadResult(
            received / seconds,
            hostCpu.TotalMilliseconds * 1000 / received,
            storageCpu.TotalMilliseconds * 1000 / received,
            received,
            reader.Errors + reader.OutOfSequence + (finished ? 0 : 1),
            string.Join("; ", notes));
    }
}
