namespace OpsClaw.Actors.Sockets;

/// <summary>
/// How many client connections this host may hold in total. At startup the soft RLIMIT_NOFILE is
/// raised to the hard limit; then every socket's max-connections plus a reserve (what the process
/// already holds and <see cref="ProcessDescriptors.Headroom"/>) must fit under it. Each connection
/// then also needs the process-wide headroom to be free (<see cref="ProcessDescriptors.TryHold"/>),
/// which still holds if the limit is lowered or something else in the process takes descriptors.
/// </summary>
internal sealed class DescriptorBudget
{
    private int _held;

    private DescriptorBudget(int capacity) => Capacity = capacity;

    /// <summary>Connections the whole host may hold at once; int.MaxValue when the per-socket limits already fit.</summary>
    public int Capacity { get; }

    /// <summary>A budget that never refuses, for hosts that do not plan one.</summary>
    public static DescriptorBudget Unlimited { get; } = new(int.MaxValue);

    /// <summary>
    /// Raises the soft limit and checks that <paramref name="sockets"/> × <paramref name="maxConnections"/>
    /// fit. When they do not and max-connections is at its default, the host-wide total is capped
    /// instead (<paramref name="note"/> says so); a value the user chose that cannot fit refuses to start.
    /// </summary>
    /// <exception cref="IpcStartupException">the limit cannot hold the connections asked for.</exception>
    public static DescriptorBudget Plan(int sockets, int maxConnections, bool maxConnectionsIsDefault, out string? note)
    {
        note = null;
        var (soft, hard) = Native.DescriptorLimit();
        if (soft < hard && Native.SetSoftDescriptorLimit(hard, hard) is null)
        {
            soft = hard;
        }

        var reserve = (ulong)(ProcessDescriptors.MeasureBaseline() + ProcessDescriptors.Headroom);
        var wanted = (ulong)sockets * (ulong)maxConnections;
        if (wanted + reserve <= soft)
        {
            return new DescriptorBudget(int.MaxValue);
        }

        var room = soft > reserve ? soft - reserve : 0;
        if (maxConnectionsIsDefault && room > 0)
        {
            var capacity = (int)Math.Min(room, int.MaxValue);
            note = $"the file descriptor limit ({soft}) cannot hold max-connections {maxConnections} on each of {sockets} sockets " +
                $"plus the {reserve} the host keeps for itself, so connections are capped at {capacity} in total; " +
                "raise the limit (ulimit -n, LimitNOFILE=) or set opsclaw.ipc.max-connections to silence this";
            return new DescriptorBudget(capacity);
        }

        var fits = room / (ulong)Math.Max(sockets, 1);
        throw new IpcStartupException(
            $"max-connections {maxConnections} on each of {sockets} sockets needs {wanted + reserve} file descriptors " +
            $"({reserve} of them kept for the host itself), but the limit is {soft}; " +
            (fits > 0 ? $"set opsclaw.ipc.max-connections to at most {fits} " : "lower opsclaw.ipc.max-connections ") +
            "or raise the limit (ulimit -n, LimitNOFILE= in a systemd unit)");
    }

    /// <summary>The host holds fewer connections than its capacity (the process-wide headroom is checked by <see cref="TryTake"/>).</summary>
    public bool HasRoom => Volatile.Read(ref _held) < Capacity;

    /// <summary>Takes a connection's descriptor from the budget; false when the host holds its capacity or the process has no descriptor to spare.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _held) <= Capacity && ProcessDescriptors.TryHold())
        {
            return true;
        }

        Interlocked.Decrement(ref _held);
        return false;
    }

    public void Release()
    {
        Interlocked.Decrement(ref _held);
        ProcessDescriptors.Release();
    }
}
