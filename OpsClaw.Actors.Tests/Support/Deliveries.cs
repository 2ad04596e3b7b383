using OpsClaw.Actors.Client;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>Taking deliveries from an <see cref="IpcSubscription"/> in a spec: a bounded wait, never a hang.</summary>
public static class Deliveries
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    /// <summary>The next <paramref name="count"/> deliveries (fewer if the enumeration ends); cancelled after the wait.</summary>
    public static async Task<List<Delivery>> TakeAsync(this IpcSubscription subscription, int count, TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        var taken = new List<Delivery>();
        await using var deliveries = subscription.Deliveries.GetAsyncEnumerator(timeout.Token);
        while (taken.Count < count && await deliveries.MoveNextAsync())
        {
            taken.Add(deliveries.Current);
        }

        return taken;
    }
}
