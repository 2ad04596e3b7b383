using System.Diagnostics;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>Figures of one connection-scale run.</summary>
/// <param name="ConnectsPerSecond">Connections opened and answered per second during the storm.</param>
/// <param name="Failures">Connects that failed, or got no pong or a wrong reply.</param>
/// <param name="ServerCpuUsPerConnect">Server CPU time during the storm per connection opened: what a connection costs, whatever else the machine runs.</param>
/// <param name="RssPerConnectionKiB">Server RSS growth while holding them, per connection.</param>
internal sealed record ConnectionsResult(double ConnectsPerSecond, int Failures, int Held, double ServerCpuUsPerConnect, double RssPerConnectionKiB);

/// <summary>
/// Connect storm, then hold: opens <c>count</c> connections as fast as <c>concurrency</c> parallel
/// openers can, each proven served by one ping and pong and then kept open, so the server climbs to
/// <c>count</c> live connections. Held idle, they give the server's resident memory per connection
/// (RSS from /proc after it settles, minus the RSS just before the storm).
/// </summary>
internal static class ConnectionScale
{
    private static readonly TimeSpan PerConnectionTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StormTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ConnectionsResult> RunAsync(string socketPath, int count, int concurrency, ProcessProbe server)
    {
        var idleKiB = server.RssKiB();
        var sockets = new Socket?[count];
        var failures = 0;
        var next = -1;
        using var deadline = new CancellationTokenSource(StormTimeout);
        var serverCpuBefore = server.CpuTime();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var openers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < count)
                {
                    try
                    {
                        sockets[index] = await OpenAndPingAsync(socketPath, deadline.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException or InvalidDataException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }));
            await Task.WhenAll(openers).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var serverCpu = server.CpuTime() - serverCpuBefore;
            var held = sockets.Count(socket => socket is not null);

            var heldKiB = await server.SettledRssKiBAsync().ConfigureAwait(false);
            var perConnection = held == 0 ? double.NaN : (double)(heldKiB - idleKiB) / held;
            return new ConnectionsResult(
                held / elapsed.TotalSeconds, failures, held, serverCpu.TotalMicroseconds / Math.Max(1, held), perConnection);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task<Socket> OpenAndPingAsync(string socketPath, CancellationToken stormDeadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stormDeadline);
        timeout.CancelAfter(PerConnectionTimeout);
        var socket = await Wire.ConnectAsync(socketPath, timeout.Token).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(Wire.PingLine.ToArray(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            await ExpectPongAsync(socket, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task ExpectPongAsync(Socket socket, CancellationToken cancel)
    {
        var expected = Wire.PongLine.Length;
        var reply = new byte[expected];
        var received = 0;
        while (received < expected)
        {
            var read = await socket.ReceiveAsync(reply.AsMemory(received), SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException("the server closed the connection before its pong");
            }

            received += read;
            var newLine = reply.AsSpan(0, received).IndexOf((byte)'\n');
            if (newLine >= 0 && newLine != expected - 1)
            {
                throw new InvalidDataException("the reply is not a pong");
            }
        }

        if (!reply.AsSpan().SequenceEqual(Wire.PongLine))
        {
            throw new InvalidDataException("the reply is not a pong");
        }
    }
}
