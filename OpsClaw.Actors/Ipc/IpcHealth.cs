namespace OpsClaw.Actors.Ipc;

/// <summary>What <c>/user/ipc</c> says of its sockets when the health check asks.</summary>
internal static class IpcHealth
{
    public const string Binding = "binding";
    public const string Bound = "bound";
    public const string Serving = "serving";
    public const string Unbound = "unbound";
    public const string Failed = "failed";
    public const string Stopped = "stopped";

    /// <summary>Answered with a <see cref="Report"/>.</summary>
    public sealed class Get
    {
        public static readonly Get Instance = new();

        private Get()
        {
        }
    }

    /// <summary>The root's state and each channel's, in channel order.</summary>
    /// <param name="Serving">Every socket is bound and accepting, and no stop has begun.</param>
    /// <param name="State">The root's state in a word (binding, serving, unbound).</param>
    /// <param name="Channels">Each channel's state: one of the constants above.</param>
    public sealed record Report(bool Serving, string State, IReadOnlyList<KeyValuePair<string, string>> Channels);
}
