namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Gives each channel the socket the supervisor passed for it. A socket is matched by its name
/// (<c>FileDescriptorName=runtime</c>), or, when its name is no channel's (one socket unit listing
/// both paths passes both under the unit's name), by the file it is bound to. Either way it must be
/// bound to <c>&lt;socket-dir&gt;/&lt;channel&gt;.sock</c>, the path the ready line and clients use;
/// every channel needs one, and every passed socket must be used.
/// </summary>
internal static class SocketActivation
{
    /// <summary>Takes every passed descriptor and returns them by channel; on any refusal all are closed.</summary>
    /// <exception cref="IpcStartupException">a passed socket is unusable, matches no channel or the same one as another, or a channel has none.</exception>
    public static IReadOnlyDictionary<string, PassedListener> Adopt(ListenFds fds, IReadOnlyList<string> channels, SocketDirectory directory)
    {
        var taken = new List<PassedListener>();
        try
        {
            foreach (var passed in fds.Sockets)
            {
                taken.Add(PassedListener.Take(passed));
            }

            return Match(taken, channels, directory);
        }
        catch
        {
            foreach (var listener in taken)
            {
                listener.Dispose();
            }

            throw;
        }
    }

    private static Dictionary<string, PassedListener> Match(List<PassedListener> taken, IReadOnlyList<string> channels, SocketDirectory directory)
    {
        var byChannel = new Dictionary<string, PassedListener>(StringComparer.Ordinal);
        foreach (var listener in taken)
        {
            var channel = ChannelOf(listener, channels, directory);
            if (byChannel.TryGetValue(channel, out var earlier))
            {
                throw new IpcStartupException($"socket activation: {earlier.Source} and {listener.Source} were both passed for channel '{channel}'; pass one socket per channel");
            }

            var fileName = SocketPaths.FileName(channel);
            if (!IsInDirectory(listener.BoundPath, fileName, directory))
            {
                throw new IpcStartupException(
                    $"socket activation: {listener.Source} is bound to {listener.BoundPath}, but channel '{channel}' listens on {directory.PathOf(fileName)}; " +
                    "make the socket unit's ListenStream= and the socket directory (--dir, socket-dir) agree");
            }

            listener.FindFile(directory, fileName);
            byChannel[channel] = listener;
        }

        if (channels.FirstOrDefault(channel => !byChannel.ContainsKey(channel)) is { } missing)
        {
            throw new IpcStartupException(
                $"socket activation: no socket was passed for channel '{missing}' (passed: {string.Join(", ", taken.Select(listener => listener.Source))}); " +
                $"pass one for every channel (ListenStream={directory.PathOf(SocketPaths.FileName(missing))} with FileDescriptorName={missing}) or none");
        }

        return byChannel;
    }

    private static string ChannelOf(PassedListener listener, IReadOnlyList<string> channels, SocketDirectory directory)
    {
        if (listener.Source.Name is { } name && channels.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }

        return channels.FirstOrDefault(channel => IsInDirectory(listener.BoundPath, SocketPaths.FileName(channel), directory))
            ?? throw new IpcStartupException(
                $"socket activation: {listener.Source} is bound to {listener.BoundPath}, which is no channel's socket; " +
                $"name it after its channel (FileDescriptorName= one of {string.Join(", ", channels)}) or bind it to <socket-dir>/<channel>.sock in {directory.Path}");
    }

    /// <summary>Whether <paramref name="boundPath"/> names <paramref name="fileName"/> in the socket directory, symlinks in its parents resolved.</summary>
    private static bool IsInDirectory(string boundPath, string fileName, SocketDirectory directory)
    {
        if (!string.Equals(Path.GetFileName(boundPath), fileName, StringComparison.Ordinal))
        {
            return false;
        }

        var parent = Path.GetDirectoryName(boundPath);
        return parent is not null && (parent == directory.Path || parent == directory.RealPath || Native.RealPath(parent, out _) == directory.RealPath);
    }
}
