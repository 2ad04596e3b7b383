using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// A plain Unix-socket server: an accept loop and one async task per connection, no actors. Prints
/// <see cref="ReadyPrefix"/> and the socket path once it accepts connections.
/// </summary>
internal static class RawServer
{
    public const string ReadyPrefix = "bench raw ready ";

    /// <summary>The host's default backlog, so a connect storm meets the same queue on every server.</summary>
    private const int ListenBacklog = 4096;

    public static async Task RunAsync(string socketPath, Func<ILineResponder> newResponder, CancellationToken stop)
    {
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(ListenBacklog);
        Console.Out.WriteLine(ReadyPrefix + socketPath);
        Console.Out.Flush();

        try
        {
            // Bounded by the process's life: it ends when SIGTERM cancels the token.
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stop).ConfigureAwait(false);
                _ = RawConnection.ServeAsync(client, newResponder(), stop);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by signal.
        }
        finally
        {
            File.Delete(socketPath);
        }
    }
}
