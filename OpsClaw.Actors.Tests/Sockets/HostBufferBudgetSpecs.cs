using System.Net.Sockets;
using System.Text;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>The budget at work in the IPC subsystem, measured through the budget itself.</summary>
public sealed class HostBufferBudgetSpecs : SocketSpecBase
{
    private const string Prefix = "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.ping\",\"run_id\":\"";
    private const string Suffix = "\",\"payload_json\":\"{}\"}\n";

    [Fact]
    public async Task Past_the_budget_unfinished_lines_should_wait_while_a_client_holding_nothing_is_served_and_resume_when_a_holder_leaves()
    {
        var binding = await StartAsync("opsclaw.ipc.max-buffered-bytes = 100000");
        var budget = OpsClawIpc.Get(Sys).Budget!;
        using var first = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
        using var second = await RawConnection.ConnectAsync(binding.PathOf("runtime"));

        // Within the budget, the first client's unfinished line is read in full.
        await first.WriteAsync(Prefix + new string('a', 80_000 - Prefix.Length));
        await AwaitAssertAsync(() => Assert.Equal(80_000, budget.TotalBytes), TimeSpan.FromSeconds(10));

        // The second client's line takes the total past the budget, so the host stops reading it part way.
        var secondLine = Prefix + new string('b', 60_000 - Prefix.Length);
        await second.WriteAsync(secondLine);
        await AwaitAssertAsync(() => Assert.True(budget.TotalBytes > 100_000), TimeSpan.FromSeconds(10));

        using (var light = await RawConnection.ConnectAsync(binding.PathOf("runtime")))
        {
            await light.WriteAsync(RawConnection.Request("runtime.ping", "light"));
            Assert.Contains("\"run_id\":\"light\"", await light.ReadLineAsync(), StringComparison.Ordinal);
        }

        Assert.True(budget.TotalBytes < 140_000, $"the host read on past its budget: it holds {budget.TotalBytes} bytes");

        // The first client leaves without a word; its connection, waiting, notices and lets go, and the second is read on.
        first.Dispose();
        await AwaitAssertAsync(() => Assert.Equal(60_000, budget.TotalBytes), TimeSpan.FromSeconds(10));
        await second.WriteAsync(Suffix);
        var reply = await second.ReadLineAsync();
        Assert.Contains("\"run_id\":\"" + secondLine[Prefix.Length..] + "\"", reply, StringComparison.Ordinal);
        await AwaitAssertAsync(() => Assert.Equal(0, budget.TotalBytes), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_client_that_does_not_read_should_cost_the_host_no_more_than_its_connection_budget_and_then_get_every_reply()
    {
        const int connectionBudget = 65_536, receiveBuffer = 8192;
        var binding = await StartAsync($"opsclaw.ipc.max-connection-buffered-bytes = {connectionBudget}");
        var budget = OpsClawIpc.Get(Sys).Budget!;
        using var connection = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
        connection.Socket.Blocking = false;

        // 10,000 pings whose replies are each ~2.2 KiB: far more than the socket buffers and 64 KiB hold.
        var runId = new string('r', 2000);
        var requests = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 10_000).Select(_ => RawConnection.Request("runtime.ping", runId))));
        var offset = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var peak = 0L;
        while (offset < requests.Length && DateTime.UtcNow < deadline)
        {
            // Wait for room (bounded); once the host stops reading, Poll times out and the loop ends at the deadline or stall.
            if (!connection.Socket.Poll(TimeSpan.FromMilliseconds(500), SelectMode.SelectWrite))
            {
                break;
            }

            offset += connection.Socket.Send(requests, offset, requests.Length - offset, SocketFlags.None, out _);
            peak = Math.Max(peak, budget.TotalBytes);
        }

        Assert.True(offset < requests.Length, "the host read everything although the client read no reply");
        await AwaitAssertAsync(() => Assert.True(budget.TotalBytes > 0), TimeSpan.FromSeconds(5));

        // Reading stops once unanswered request bytes and unwritten replies reach the connection budget. The last
        // read may bring one receive buffer more, and an unfinished line (under a receive buffer here) comes on top;
        // a reply is a little longer than its request, and a few may turn into replies after the read.
        var bound = connectionBudget + 2 * receiveBuffer + 2 * 2_300;
        Assert.True(budget.TotalBytes <= bound && peak <= bound, $"the connection holds {budget.TotalBytes} bytes (peak seen {peak}), more than {bound}");

        connection.Socket.Blocking = true;
        var sent = offset / (requests.Length / 10_000);
        for (var i = 0; i < sent; i++)
        {
            Assert.Contains(runId, await connection.ReadLineAsync(), StringComparison.Ordinal);
        }
    }
}
