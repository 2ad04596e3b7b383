namespace OpsClaw.Actors.Ipc;

/// <summary>Where a started IPC subsystem listens: the absolute socket directory and each channel's socket path, in channel order.</summary>
/// <param name="SocketDirectory">The socket directory, absolute.</param>
/// <param name="SocketPaths">Channel name to absolute socket path, in the order the channels were defined.</param>
public sealed record IpcBinding(string SocketDirectory, IReadOnlyList<KeyValuePair<string, string>> SocketPaths)
{
    /// <summary>The socket path of one channel.</summary>
    /// <param name="channel">The channel's name, e.g. <c>runtime</c>.</param>
    /// <returns>Its absolute socket path.</returns>
    /// <exception cref="KeyNotFoundException">no channel of that name is bound.</exception>
    public string PathOf(string channel) =>
        SocketPaths.FirstOrDefault(pair => pair.Key == channel).Value
        ?? throw new KeyNotFoundException($"no channel named '{channel}' is bound");

    /// <summary>The line of docs/api-reference.md, "Command line" that tells scripts the host is ready.</summary>
    /// <returns><c>opsclaw ipc ready</c> followed by <c>name=path</c> for each channel.</returns>
    public string ReadyLine() =>
        "opsclaw ipc ready " + string.Join(' ', SocketPaths.Select(pair => $"{pair.Key}={pair.Value}"));
}
