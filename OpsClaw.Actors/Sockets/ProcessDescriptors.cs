namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The file descriptors this process can still spare for client sockets, counted rather than listed
/// (one getrlimit per new client, no walk of /proc): what the process held when a host was bound
/// (the runtime's own: assemblies, epoll, pipes, the listening sockets), plus the client sockets
/// OpsClaw holds now (connections and lingering closes), plus <see cref="Headroom"/>, must stay
/// under the soft limit, read afresh each time.
/// Running out is not a slowdown: the runtime aborts when it cannot create a thread, and a type
/// initializer that fails for want of a descriptor stays broken.
/// </summary>
internal static class ProcessDescriptors
{
    /// <summary>Descriptors always left for the runtime beyond what it held at startup (threads, assembly loads, log files).</summary>
    public const int Headroom = 64;

    private static int s_baseline;
    private static int s_clientSockets;

    /// <summary>Client sockets held by OpsClaw in this process.</summary>
    public static int ClientSockets => Volatile.Read(ref s_clientSockets);

    /// <summary>
    /// Notes what the process holds besides OpsClaw's client sockets; called when a host starts. The
    /// latest reading counts: it is the freshest picture of what the rest of the process holds.
    /// </summary>
    public static int MeasureBaseline()
    {
        var baseline = Math.Max(0, OpenDescriptors() - ClientSockets);
        Volatile.Write(ref s_baseline, baseline);
        return baseline;
    }

    /// <summary>Counts one more client socket if that leaves the headroom free; false (nothing counted) when it would not.</summary>
    public static bool TryHold()
    {
        var held = Interlocked.Increment(ref s_clientSockets);
        if ((ulong)(Volatile.Read(ref s_baseline) + held + Headroom) <= Native.DescriptorLimit().Soft)
        {
            return true;
        }

        Interlocked.Decrement(ref s_clientSockets);
        return false;
    }

    /// <summary>Counts a client socket the process already holds (one handed from a connection to a lingering close); always true.</summary>
    public static bool Hold()
    {
        Interlocked.Increment(ref s_clientSockets);
        return true;
    }

    public static void Release() => Interlocked.Decrement(ref s_clientSockets);

    /// <summary>Descriptors this process holds now.</summary>
    public static int OpenDescriptors()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            return 256; // No /proc: assume a busy runtime.
        }
    }
}
