namespace OpsClaw.Actors.Ipc;

/// <summary>Where a started IPC subsystem listens: the absolute socket directory and each channel's socket path, in channel order.</summary>
public sealed record IpcBinding(string SocketDirectory, IReadOnlyList<KeyValuePair<string, string>> SocketPaths)
{
    public string PathOf(string channel) =>
        SocketPaths.FirstOrDefault(pair => pair.Key == channel).Value
        ?? throw new KeyNotFoundException($"no channel named '{channel}' is bound");

    /// <summary>The line of docs/api-reference.md, "Command line" that tells scripts the host is ready.</summary>
    public string ReadyLine() =>
        "opsclaw ipc ready " + string.Join(' ', SocketPaths.Select(pair => $"{pair.Key}={pair.Value}"));
}
