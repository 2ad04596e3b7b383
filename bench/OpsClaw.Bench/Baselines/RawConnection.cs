using System.Buffers;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>
/// One baseline connection: read whatever has arrived, answer every complete line into one buffer,
/// write it with one send. Pipelined requests are therefore answered in batches, in order. While
/// idle it waits for readability with an empty buffer and holds no receive memory (as Kestrel does).
/// </summary>
internal static class RawConnection
{
    private const int ReceiveBufferBytes = 16 * 1024;
    private const int MaxLineBytes = 1024 * 1024;

    public static async Task ServeAsync(Socket socket, ILineResponder responder, CancellationToken stop)
    {
        using var output = new ReplyBuffer();
        byte[]? input = null;
        var held = 0;
        try
        {
            // Bounded by the connection's life: EOF, an I/O error or the server's stop ends it.
            while (true)
            {
                if (input is null)
                {
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, stop).ConfigureAwait(false);
                    input = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
                }
                else if (held == input.Length)
                {
                    if (!TryGrow(ref input, held))
                    {
                        return;
                    }
                }

                var read = await socket.ReceiveAsync(input.AsMemory(held), SocketFlags.None, stop).ConfigureAwait(false);
                if (read == 0)
                {
                    // A final line without "\n" at EOF still counts as a line.
                    LineSplitter.Answer(input.AsSpan(0, held), responder, output);
                    await Wire.SendAllAsync(socket, output.Written, stop).ConfigureAwait(false);
                    return;
                }

                var filled = held + read;
                var consumed = LineSplitter.AnswerComplete(input.AsSpan(0, filled), responder, output);
                held = filled - consumed;
                input.AsSpan(consumed, held).CopyTo(input);
                if (output.Length > 0)
                {
                    await Wire.SendAllAsync(socket, output.Written, stop).ConfigureAwait(false);
                    output.Clear();
                }

                if (held == 0 && filled < input.Length)
                {
                    // The socket had nothing more; do not hold the buffer across the wait.
                    ArrayPool<byte>.Shared.Return(input);
                    input = null;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: this connection ends, nothing else.
        }
        finally
        {
            if (input is not null)
            {
                ArrayPool<byte>.Shared.Return(input);
            }

            socket.Dispose();
        }
    }

    private static bool TryGrow(ref byte[] input, int held)
    {
        if (input.Length >= MaxLineBytes)
        {
            // The baseline serves pings; a line past the host's limit just ends the connection.
            return false;
        }

        var grown = ArrayPool<byte>.Shared.Rent(input.Length * 2);
        input.AsSpan(0, held).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(input);
        input = grown;
        return true;
    }
}
