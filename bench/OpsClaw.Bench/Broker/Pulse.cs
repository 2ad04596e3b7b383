namespace OpsClaw.Bench;

/// <summary>
/// Wakes a publisher waiting for its window to open. The publisher arms it, checks its window once
/// more and only then waits, so a subscriber's progress between the two is never missed.
/// </summary>
internal sealed class Pulse
{
    private TaskCompletionSource? _waiter;

    public Task Arm()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        return waiter.Task;
    }

    public void Set()
    {
        var waiter = Volatile.Read(ref _waiter);
        if (waiter is not null && Interlocked.CompareExchange(ref _waiter, null, waiter) == waiter)
        {
            waiter.TrySetResult();
        }
    }
}
