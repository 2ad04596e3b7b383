using System.Collections.Concurrent;
using Akka.Actor;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The host-wide budget (max-buffered-bytes) for what connections hold on behalf of their clients:
/// unfinished lines, requests not yet answered, and replies not yet taken by the kernel. One object
/// is shared by every connection of every listener; each connection reports its own holdings when
/// they change. Past the budget, a connection that holds anything starts no new read until the total
/// is back within it. One that holds nothing (every request answered and written) still reads, so
/// clients that keep up with small requests are still served, and each such read can add at most one
/// receive buffer before that connection stops too: the total stays under the budget plus one receive
/// buffer per connection.
/// </summary>
/// <remarks>
/// A rule that let connections below the average keep reading was tried first: when every client
/// sends unfinished lines, each one below the average reads until it is not, and the total climbs to
/// max-line-bytes per connection, past any budget.
/// </remarks>
internal sealed class BufferBudget
{
    /// <summary>A burst that took the total this high is worth giving back to the OS once it has passed.</summary>
    private const long BurstBytes = 64L * 1024 * 1024;

    /// <summary>The total has fallen this low: the burst is over.</summary>
    private const long CalmBytes = 8L * 1024 * 1024;

    private readonly ConcurrentQueue<IActorRef> _waiting = new();
    private readonly MemoryReclaimer? _reclaimer;
    private long _total;
    private int _inBurst;

    public BufferBudget(long limitBytes, MemoryReclaimer? reclaimer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1);
        LimitBytes = limitBytes;
        _reclaimer = reclaimer;
    }

    public long LimitBytes { get; }

    public long TotalBytes => Interlocked.Read(ref _total);

    /// <summary>A connection's holdings went from <paramref name="before"/> to <paramref name="after"/> bytes.</summary>
    public void Update(long before, long after)
    {
        if (before == after)
        {
            return;
        }

        var total = Interlocked.Add(ref _total, after - before);
        if (after > before)
        {
            if (total >= BurstBytes)
            {
                Volatile.Write(ref _inBurst, 1);
            }

            return;
        }

        if (total <= LimitBytes && !_waiting.IsEmpty)
        {
            WakeAll();
        }

        if (total <= CalmBytes && Interlocked.Exchange(ref _inBurst, 0) == 1)
        {
            _reclaimer?.Request();
        }
    }

    /// <summary>Whether a connection holding <paramref name="holding"/> bytes should start no new read now.</summary>
    public bool ShouldWait(long holding) => holding > 0 && TotalBytes > LimitBytes;

    /// <summary>
    /// Tells <paramref name="connection"/> <see cref="Connection.BudgetFreed"/> once the total is back
    /// within the budget, at once if it already is.
    /// </summary>
    /// <remarks>
    /// No wake-up is lost: a connection that frees room adds to the total and then looks at the queue,
    /// and this adds to the queue and then looks at the total, both with full fences, so whichever
    /// comes second sees the other.
    /// </remarks>
    public void WakeWhenFreed(IActorRef connection)
    {
        _waiting.Enqueue(connection);
        if (TotalBytes <= LimitBytes)
        {
            WakeAll();
        }
    }

    private void WakeAll()
    {
        while (_waiting.TryDequeue(out var connection))
        {
            connection.Tell(Connection.BudgetFreed.Instance, ActorRefs.NoSender);
        }
    }
}
