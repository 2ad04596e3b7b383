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

    /// <summary>
    /// Most lingering closes at once in this process. Each holds a descriptor for up to the linger
    /// time, so a flood of refused clients past this many gets a plain close instead.
    /// </summary>
    private const int MaxLingering = 1024;

    private static int s_lingering;

    /// <summary>Most bytes read off a client that keeps writing after it was told the connection ends.</summary>
    private const int MaxDiscardedBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Takes ownership of a connection's socket: it is disposed when the returned task ends, within
    /// the linger time. The descriptor was already counted while the connection held it, so it stays
    /// counted whatever the headroom.
    /// </summary>
    public static Task Start(Socket socket, TimeSpan linger, ReadOnlyMemory<byte> lastWords = default) =>
        RunAsync(socket, linger, lastWords, ProcessDescriptors.Hold);

    /// <summary>
    /// Takes ownership of a refused client's socket. A refusal lingers only while the process can
    /// spare the descriptor; otherwise the client gets its line and an immediate close.
    /// </summary>
    public static Task Refuse(Socket socket, ReadOnlyMemory<byte> refusal) =>
        RunAsync(socket, DefaultLinger, refusal, ProcessDescriptors.TryHold);

    private static async Task RunAsync(Socket socket, TimeSpan linger, ReadOnlyMemory<byte> lastWords, Func<bool> hold)
    {
        if (Interlocked.Increment(ref s_lingering) > MaxLingering || !hold())
        {
            Interlocked.Decrement(ref s_lingering);
            CloseAtOnce(socket, lastWords);
            return;
        }

        try
        {
            await LingerAsync(socket, linger, lastWords).ConfigureAwait(false);
        }
        finally
        {
            ProcessDescriptors.Release();
            Interlocked.Decrement(ref s_lingering);
        }
    }

    private static void CloseAtOnce(Socket socket, ReadOnlyMemory<byte> lastWords)
    {
        using (socket)
        {
            try
            {
                // Best effort: a short line fits the socket buffer; the client may still see a reset.
                socket.Blocking = false;
                if (!lastWords.IsEmpty)
                {
                    socket.Send(lastWords.Span, SocketFlags.None, out _);
                }

                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    private static async Task LingerAsync(Socket socket, TimeSpan linger, ReadOnlyMemory<byte> lastWords)
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
