using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// NATS core's text protocol: <c>CONNECT</c> (not verbose, so nothing is answered with <c>+OK</c>),
/// <c>SUB subject [queue] sid</c>, <c>PUB subject n</c>, deliveries as <c>MSG subject sid [reply] n</c>
/// followed by the payload, and <c>PING</c>/<c>PONG</c>: a <c>PING</c> after the opening commands
/// is answered once the server has processed them. Queue groups exist; acks do not (at most once).
/// </summary>
internal sealed class NatsDialect : BrokerDialect
{
    private const string Connect =
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":true,\"name\":\"opsclaw-bench\",\"lang\":\"csharp\",\"version\":\"0\",\"protocol\":0}\r\n";

    public override string Server => BrokerServers.NatsName;

    public override bool HasQueueGroups => true;

    public override bool HasAcks => false;

    public override bool CountsReceivers => false;

    public override ReadOnlySpan<byte> Pong => "PONG\r\n"u8;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    public override Handshake PublisherHandshake() => new(Encoding.ASCII.GetBytes(Connect + "PING\r\n"), 1);

    public override Handshake Subscribe(string topic, string? group, bool explicitAck) =>
        explicitAck
            ? throw new NotSupportedException("NATS core has no acks")
            : new(Encoding.ASCII.GetBytes(Connect + "SUB " + topic + (group is null ? "" : " " + group) + " 1\r\nPING\r\n"), 1);

    public override byte[] PublishFrame(string topic, ReadOnlySpan<byte> body)
    {
        var head = Encoding.ASCII.GetBytes("PUB " + topic + " " + body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n");
        return [.. head, .. body, .. Crlf];
    }

    /// <summary>A line that is not a message: PING, PONG, +OK, -ERR or INFO, the same for core NATS and JetStream.</summary>
    internal static void ControlLine(ReadOnlySpan<byte> line, IFrameSink sink)
    {
        if (line.SequenceEqual("PING"u8))
        {
            sink.OnPing();
        }
        else if (line.StartsWith("-ERR"u8))
        {
            sink.OnReply(false, -1, line);
        }
        else if (line.SequenceEqual("PONG"u8) || line.SequenceEqual("+OK"u8))
        {
            sink.OnReply(true, -1, line);
        }
        else if (!line.StartsWith("INFO "u8))
        {
            throw new InvalidDataException($"not a NATS frame: {Encoding.ASCII.GetString(line)}");
        }
    }

    public override int Parse(ReadOnlySpan<byte> data, IFrameSink sink)
    {
        var consumed = 0;
        int lineEnd;
        while ((lineEnd = data[consumed..].IndexOf(Crlf)) >= 0)
        {
            var line = data.Slice(consumed, lineEnd);
            if (line.StartsWith("MSG "u8))
            {
                // MSG <subject> <sid> [reply-to] <#bytes>: the size is the last word.
                var size = LeadingNumber(line[(line.LastIndexOf((byte)' ') + 1)..]);
                var payloadStart = consumed + lineEnd + 2;
                if (size < 0 || data.Length - payloadStart < size + 2)
                {
                    break;
                }

                sink.OnMessage(data.Slice(payloadStart, (int)size), 0, 0, false);
                consumed = payloadStart + (int)size + 2;
                continue;
            }

            consumed += lineEnd + 2;
            ControlLine(line, sink);
        }

        return consumed;
    }
}
