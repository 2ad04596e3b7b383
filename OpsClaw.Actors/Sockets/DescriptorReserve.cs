using System.Net.Sockets;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// One spare file descriptor, held open on /dev/null, for the moment accept() fails with EMFILE:
/// the pending connection would otherwise stay in the backlog, the listening socket stays readable
/// and the accept loop spins. Closing the spare frees one descriptor to accept that connection,
/// tell it <c>overloaded</c> and close it, after which the spare is opened again (the technique of
/// libuv and nginx). Process-wide, since the descriptor limit is.
/// </summary>
internal static class DescriptorReserve
{
    private static readonly object Gate = new();
    private static Microsoft.Win32.SafeHandles.SafeFileHandle? s_spare;

    /// <summary>Opens the spare if it is not open (at startup, and after each use).</summary>
    public static void EnsureHeld()
    {
        lock (Gate)
        {
            TryOpen();
        }
    }

    /// <summary>
    /// Accepts one pending connection with the spare descriptor, sends it <paramref name="refusal"/>
    /// and closes it. Returns false when no connection was waiting or even that failed.
    /// </summary>
    public static bool RefuseOnePending(Socket listenSocket, ReadOnlySpan<byte> refusal)
    {
        lock (Gate)
        {
            s_spare?.Dispose();
            s_spare = null;
            try
            {
                if (!listenSocket.Poll(0, SelectMode.SelectRead))
                {
                    return false;
                }

                using var client = listenSocket.Accept();
                client.Blocking = false;
                try
                {
                    client.Send(refusal, SocketFlags.None);
                    client.Shutdown(SocketShutdown.Send);

                    // What the client already sent is read off: closing over unread input would make the
                    // kernel report a reset, which the client may see before the refusal line.
                    DiscardWaitingInput(client);
                }
                catch (SocketException)
                {
                    // The refused client may be gone already; closing is all that matters.
                }

                return true;
            }
            catch (SocketException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                // Unbound meanwhile.
                return false;
            }
            finally
            {
                TryOpen();
            }
        }
    }

    private static void DiscardWaitingInput(Socket client)
    {
        Span<byte> sink = stackalloc byte[4096];
        for (var read = 0; read < 64 * 1024 && client.Available > 0;)
        {
            read += client.Receive(sink, SocketFlags.None);
        }
    }

    private static void TryOpen()
    {
        if (s_spare is not null)
        {
            return;
        }

        try
        {
            // Plain open(2): a FileStream would also take a flock, for nothing.
            s_spare = Native.OpenReadOnly("/dev/null");
        }
        catch (IOException)
        {
            // Still out of descriptors: the next refusal tries again.
        }
    }
}
