using System.Net;
using System.Net.Sockets;

namespace OpsClaw.Bench;

/// <summary>Bytes a connection sends to open itself, and how many answers tell it the server has taken them.</summary>
internal sealed record Handshake(byte[] Bytes, int Replies);

/// <summary>
/// One server's wire protocol, as small as the bench needs: opening a publisher or a subscriber,
/// the frame of a publish, and a parser that finds whole frames in received bytes. Each dialect is
/// a minimal client written for the bench; none needs a client library.
/// </summary>
internal abstract class BrokerDialect
{
    public abstract string Server { get; }

    /// <summary>Whether the server can share a topic's messages among the members of a group.</summary>
    public abstract bool HasQueueGroups { get; }

    /// <summary>Whether a subscriber acknowledges deliveries (only opsclaw; NATS core groups and Redis have no acks).</summary>
    public abstract bool HasAcks { get; }

    /// <summary>What a publish answers with, checked against the expected receivers; false when the server does not answer publishes.</summary>
    public abstract bool CountsReceivers { get; }

    public abstract Handshake PublisherHandshake();

    public abstract Handshake Subscribe(string topic, string? group, bool explicitAck);

    /// <summary>One complete publish of <paramref name="body"/> to <paramref name="topic"/>, as sent on the wire.</summary>
    public abstract byte[] PublishFrame(string topic, ReadOnlySpan<byte> body);

    /// <summary>Parses every whole frame at the start of <paramref name="data"/>; returns the bytes they took.</summary>
    public abstract int Parse(ReadOnlySpan<byte> data, IFrameSink sink);

    /// <summary>The answer to a <see cref="IFrameSink.OnPing"/>.</summary>
    public virtual ReadOnlySpan<byte> Pong => [];

    /// <summary>The id a subscribe ack gives the subscription, for acks (opsclaw).</summary>
    public virtual string SubscriptionId(ReadOnlySpan<byte> subscribeReply) => "";

    /// <summary>Acknowledges every delivery up to <paramref name="upTo"/> of a subscription (opsclaw).</summary>
    public virtual byte[] AckUpTo(string subscription, long upTo) => throw new NotSupportedException($"{Server} has no acks");

    /// <summary>Connects to a Unix socket path, or to <c>host:port</c> over TCP.</summary>
    public static async Task<Socket> ConnectAsync(string address, CancellationToken cancel)
    {
        if (address.StartsWith('/'))
        {
            return await Wire.ConnectAsync(address, cancel).ConfigureAwait(false);
        }

        var endPoint = IPEndPoint.Parse(address);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancel).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The dialect of a server by its name in the run.</summary>
    public static BrokerDialect Of(string server) => server switch
    {
        BrokerServers.RedisName => new RedisDialect(),
        BrokerServers.NatsName => new NatsDialect(),
        _ => new OpsClawDialect(server),
    };

    /// <summary>Reads an unsigned decimal at the start of <paramref name="digits"/>; -1 when there is none.</summary>
    internal static long LeadingNumber(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        var index = 0;
        for (; index < digits.Length && digits[index] is >= (byte)'0' and <= (byte)'9'; index++)
        {
            value = (value * 10) + (digits[index] - '0');
        }

        return index == 0 ? -1 : value;
    }
}
