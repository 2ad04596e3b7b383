namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The two steps of a graceful stop, passed down the IPC tree: CoordinatedShutdown asks
/// <c>/user/ipc</c>, which asks each listener, which tells each connection to drain.
/// </summary>
internal static class IpcShutdown
{
    /// <summary>Stop accepting and remove the socket files; answered with <see cref="Unbound"/>.</summary>
    public sealed class Unbind
    {
        public static readonly Unbind Instance = new();

        private Unbind()
        {
        }
    }

    public sealed class Unbound
    {
        public static readonly Unbound Instance = new();

        private Unbound()
        {
        }
    }

    /// <summary>Answer what was received, refuse new requests with shutting_down, then close; answered with <see cref="Drained"/>.</summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();

        private Drain()
        {
        }
    }

    public sealed class Drained
    {
        public static readonly Drained Instance = new();

        private Drained()
        {
        }
    }
}
