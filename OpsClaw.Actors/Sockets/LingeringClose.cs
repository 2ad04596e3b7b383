using System.Net.Sockets;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Closes a client socket so that the client reads every byte sent to it and then a clean end of
/// stream. The write side is shut first and the client's unread bytes are read off (and dropped)
/// until it closes or the linger time is up: closing a socket with unread input makes the kernel
/// report a reset to the client, which it may see before the last reply or the end of stream.
/// </summary>
internal static class LingeringClose
{
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromSeconds(2);

    /// <summary>Most bytes read off a client that keeps writing after it was told the connection ends.</summary>
    private const int MaxDiscardedBytes = 64 * 1024 * 1024;

    /// <summary>Takes ownership of <paramref name="socket"/>: it is disposed when the returned task ends, within the linger time.</summary>
    public static Task Start(Socket socket, TimeSpan linger, ReadOnlyMemory<byte> lastWords = default) =>
        RunAsync(socket, linger, lastWords);

    private static async Task RunAsync(Socket socket, TimeSpan linger, ReadOnlyMemory<byte> lastWords)
    {
        using (socket)
        using (var deadline = new CancellationTokenSource(linger))
        {
            try
            {
                if (!lastWords.IsEmpty)
                {
                    await socket.SendAsync(lastWords, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                }

                socket.Shutdown(SocketShutdown.Send);
                var sink = new byte[4096];
                for (var discarded = 0; discarded < MaxDiscardedBytes;)
                {
                    var read = await socket.ReceiveAsync(sink, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    discarded += read;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client left, or kept writing past the linger; either way it has had every reply.
            }
        }
    }
}
