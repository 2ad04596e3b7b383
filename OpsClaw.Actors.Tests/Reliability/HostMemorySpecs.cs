using System.Diagnostics;
using System.Text;
using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// Clients that make the host buffer as much as they can (huge replies they never read, huge lines
/// they never finish) cannot grow it without bound, and the memory goes back once they leave.
/// Measured from outside on the <c>opsclaw</c> executable, like a supervisor would.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostMemorySpecs : IDisposable
{
    private const int MaxLineBytes = 1024 * 1024;

    /// <summary>
    /// RSS growth allowed while 50 clients send 1 MiB lines of DEL characters without reading. Each
    /// reply is ~6 MiB (DEL is written as <c>\u007f</c>) and goes out whole once its connection's output
    /// is empty, so ~300 MiB of replies waiting for their clients is expected, plus the GC's gen0 budget
    /// (sized from the CPU cache, which is large on the 2-core VM); the more lines a connection read before
    /// its first reply filled its output, the more requests wait as decoded strings. Measured: 345–516 MiB
    /// over ten runs. The host before the fix grew by 1,273 MiB in the same 12 s, and kept growing.
    /// </summary>
    private const long FloodRssBoundBytes = 700 * ProcessMemory.MiB;

    /// <summary>
    /// RSS growth allowed while 1,000 clients each leave a 1 MiB line unfinished: max-buffered-bytes
    /// (512 MiB) stops the reading, plus the GC's gen0 budget. Measured: 573–578 MiB. The host before
    /// the fix read all 1,000 MiB and grew by 1,592 MiB.
    /// </summary>
    private const long UnfinishedLinesRssBoundBytes = 768 * ProcessMemory.MiB;

    /// <summary>After the clients leave: at most this far above the baseline (GC heap headroom, the thread pool's stacks).</summary>
    private const long ReturnSlackBytes = 48 * ProcessMemory.MiB;

    private static readonly TimeSpan ReturnWait = TimeSpan.FromSeconds(30);

    private readonly TempSocketDir _dir = new();
    private readonly ITestOutputHelper _output;

    public HostMemorySpecs(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Fifty_clients_sending_megabyte_lines_of_control_characters_without_reading_should_not_grow_the_host_and_the_memory_should_come_back()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();
        var baseline = ProcessMemory.RssBytes(host.Pid);

        var peak = baseline;
        long taken;
        using (var clients = await NonReadingClients.ConnectAsync(_dir.Socket("runtime"), 50))
        {
            taken = clients.Write(
                LineOfDel(),
                long.MaxValue,
                duration: TimeSpan.FromSeconds(12),
                stall: TimeSpan.FromSeconds(3),
                sample: () => peak = Math.Max(peak, ProcessMemory.RssBytes(host.Pid)));
        }

        var closed = Stopwatch.StartNew();
        var after = await ProcessMemory.WaitForRssAtMostAsync(host.Pid, ReturnTarget(baseline), ReturnWait);
        _output.WriteLine(
            $"50 clients: host took {taken / ProcessMemory.MiB} MiB; RSS {baseline / ProcessMemory.MiB} MiB before, " +
            $"peak growth {(peak - baseline) / ProcessMemory.MiB} MiB, {after / ProcessMemory.MiB} MiB {closed.Elapsed.TotalSeconds:F1} s after they closed");
        Assert.True(peak - baseline < FloodRssBoundBytes, $"host RSS grew by {(peak - baseline) / ProcessMemory.MiB} MiB");
        Assert.True(after <= ReturnTarget(baseline), $"host RSS stayed at {after / ProcessMemory.MiB} MiB after the clients left (baseline {baseline / ProcessMemory.MiB} MiB)");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_thousand_connections_each_holding_an_unfinished_megabyte_line_should_give_the_memory_back_when_they_close()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();
        var baseline = ProcessMemory.RssBytes(host.Pid);

        var peak = baseline;
        long taken;
        using (var clients = await NonReadingClients.ConnectAsync(_dir.Socket("runtime"), 1000))
        {
            // Exactly max-line-bytes and no "\n": the longest line the host must keep, left unfinished.
            var unfinished = Encoding.ASCII.GetBytes(new string('x', MaxLineBytes));
            taken = clients.Write(
                unfinished,
                MaxLineBytes,
                duration: TimeSpan.FromSeconds(20),
                stall: TimeSpan.FromSeconds(2),
                sample: () => peak = Math.Max(peak, ProcessMemory.RssBytes(host.Pid)));
        }

        var closed = Stopwatch.StartNew();
        var after = await ProcessMemory.WaitForRssAtMostAsync(host.Pid, ReturnTarget(baseline), ReturnWait);
        _output.WriteLine(
            $"1,000 unfinished lines: host took {taken / ProcessMemory.MiB} MiB; RSS {baseline / ProcessMemory.MiB} MiB before, " +
            $"peak growth {(peak - baseline) / ProcessMemory.MiB} MiB, {after / ProcessMemory.MiB} MiB {closed.Elapsed.TotalSeconds:F1} s after they closed");
        Assert.True(peak - baseline < UnfinishedLinesRssBoundBytes, $"host RSS grew by {(peak - baseline) / ProcessMemory.MiB} MiB");
        Assert.True(after <= ReturnTarget(baseline), $"host RSS stayed at {after / ProcessMemory.MiB} MiB after the clients left (baseline {baseline / ProcessMemory.MiB} MiB)");
        await AssertStillServesAsync();
    }

    private static long ReturnTarget(long baseline) => 2 * baseline + ReturnSlackBytes;

    /// <summary>A ping of exactly max-line-bytes whose run_id is all DEL, which every reply writes as six bytes.</summary>
    private static byte[] LineOfDel()
    {
        var prefix = "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.ping\",\"run_id\":\"";
        var suffix = "\",\"payload_json\":\"{}\"}";
        var line = prefix + new string('\u007f', MaxLineBytes - prefix.Length - suffix.Length) + suffix + "\n";
        return Encoding.ASCII.GetBytes(line);
    }

    private async Task AssertStillServesAsync()
    {
        using var connection = await RawConnection.ConnectAsync(_dir.Socket("runtime"));
        await connection.WriteAsync(RawConnection.Request("runtime.ping", "after"));
        Assert.Contains("\"run_id\":\"after\"", await connection.ReadLineAsync(), StringComparison.Ordinal);
    }
}
