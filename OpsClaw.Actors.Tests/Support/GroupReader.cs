using System.Collections.Concurrent;
using OpsClaw.Actors.Client;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// One subscriber on one node, reading on its own task: records every delivery's body (the message
/// number) with its redelivered flag, and acks each one when it acknowledges explicitly and
/// <see cref="Acking"/> is on. Stops when disposed.
/// </summary>
public sealed class GroupReader : IAsyncDisposable
{
    private readonly IpcClient _client;
    private readonly IpcSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private bool _disposed;

    private GroupReader(IpcClient client, IpcSubscription subscription, bool acking)
    {
        _client = client;
        _subscription = subscription;
        Acking = acking;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Every delivery in arrival order: the number in its body, whether it was redelivered, and its key.</summary>
    public ConcurrentQueue<(int Number, bool Redelivered, string? Key)> Received { get; } = new();

    /// <summary>Numbers whose ack the host answered.</summary>
    public ConcurrentDictionary<int, bool> Acked { get; } = new();

    public bool Acking { get; }

    public static async Task<GroupReader> SubscribeAsync(ClusterNode node, string pattern, SubscribeOptions options, bool acking = true)
    {
        var client = await IpcClient.ConnectAsync(node.RuntimeSocket);
        var subscription = await client.SubscribeAsync(pattern, options);
        return new GroupReader(client, subscription, acking && options.Ack == AckMode.Explicit);
    }

    /// <summary>Waits until <paramref name="done"/> holds for what was received; fails after <see cref="LoopbackCluster.Wait"/>.</summary>
    public async Task WaitUntilAsync(Func<GroupReader, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + LoopbackCluster.Wait;
        while (!done(this))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {LoopbackCluster.Wait.TotalSeconds} s; received {Received.Count}");
            Assert.False(_reading.IsFaulted, $"the reader failed: {_reading.Exception}");
            await Task.Delay(50);
        }
    }

    public HashSet<int> Numbers() => [.. Received.Select(delivery => delivery.Number)];

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var delivery in _subscription.Deliveries.WithCancellation(_stop.Token))
            {
                var number = int.Parse(delivery.Body, System.Globalization.CultureInfo.InvariantCulture);
                Received.Enqueue((number, delivery.Redelivered, delivery.Key));
                if (Acking)
                {
                    await delivery.AckAsync(_stop.Token);
                    Acked[number] = true;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The node went away under it (a spec killed it).
        }
    }

    /// <summary>Stops reading and closes the connection; a spec may do it early (its subscriber leaving), and again at the end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        await _client.DisposeAsync();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}
