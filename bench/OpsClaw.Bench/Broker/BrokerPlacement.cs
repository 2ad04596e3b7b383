namespace OpsClaw.Bench;

/// <summary>
/// Where one broker run connects: its publishers to <see cref="PublishAt"/> and its subscribers to
/// <see cref="SubscribeAt"/> (the same server, or two nodes of a cluster), which processes' CPU it
/// counts as the server's, and what it waits for between subscribing and publishing. A cluster
/// node learns of another node's subscription only through its replicated registry, so a publish
/// made before then would not reach it.
/// </summary>
/// <param name="PublishAt">The publishers' address.</param>
/// <param name="SubscribeAt">The subscribers' address.</param>
/// <param name="Servers">Every process serving the run; their CPU is summed.</param>
/// <param name="Subscribed">Awaited once every subscription is open and before the first publish; null when the server needs no wait.</param>
internal sealed record BrokerPlacement(
    string PublishAt,
    string SubscribeAt,
    IReadOnlyList<ProcessProbe> Servers,
    Func<CancellationToken, Task>? Subscribed = null)
{
    /// <summary>One server taking both publishers and subscribers.</summary>
    public static BrokerPlacement Single(string address, ProcessProbe server) => new(address, address, [server]);

    public TimeSpan ServerCpuTime()
    {
        var total = TimeSpan.Zero;
        foreach (var server in Servers)
        {
            total += server.CpuTime();
        }

        return total;
    }
}
