using System.Globalization;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// The NATS text protocol as JetStream is spoken over it: like <see cref="NatsDialect"/>, but a
/// delivery is handed on whole (its <c>MSG</c> line and payload), because JetStream puts what a
/// client needs in the line's reply subject (the ack subject of a consumer's delivery, with the
/// stream sequence in it). The connection announces headers and no-responders, so a publish no
/// stream takes is answered at once by a <c>503</c> status (an <c>HMSG</c>), which is reported as an
/// error answer instead of going unanswered.
/// </summary>
internal sealed class JetStreamDialect : BrokerDialect
{
    public const string Name = "jetstream";

    private const string Connect =
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":true,\"headers\":true,\"no_responders\":true,\"name\":\"opsclaw-bench\",\"lang\":\"csharp\",\"version\":\"0\",\"protocol\":1}\r\n";

    public override string Server => Name;

    public override bool HasQueueGroups => true;

    public override bool HasAcks => true;

    public override bool CountsReceivers => false;

    public override ReadOnlySpan<byte> Pong => "PONG\r\n"u8;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>The connection's opening: <c>CONNECT</c>, a <c>SUB</c> per subject (sids 1, 2, …), and a <c>PING</c> whose <c>PONG</c> says the server has them.</summary>
    public static Handshake Open(params string[] subscriptions)
    {
        var text = new StringBuilder(Connect);
        for (var index = 0; index < subscriptions.Length; index++)
        {
            text.Append("SUB ").Append(subscriptions[index]).Append(' ').Append((index + 1).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        text.Append("PING\r\n");
        return new(Encoding.ASCII.GetBytes(text.ToString()), 1);
    }

    /// <summary><c>PUB subject reply n</c> and the payload.</summary>
    public static byte[] Publish(string subject, string? reply, ReadOnlySpan<byte> payload)
    {
        var head = Encoding.ASCII.GetBytes("PUB " + subject + (reply is null ? "" : " " + reply) + " " + payload.Length.ToString(CultureInfo.InvariantCulture) + "\r\n");
        return [.. head, .. payload, .. Crlf];
    }

    /// <summary>The reply subject of a whole <c>MSG</c> frame, or empty when it has none.</summary>
    public static ReadOnlySpan<byte> ReplySubject(ReadOnlySpan<byte> frame)
    {
        // MSG <subject> <sid> [reply-to] <#bytes>: the reply is the fourth of five words.
        var line = frame[..frame.IndexOf(Crlf)];
        Span<Range> words = stackalloc Range[6];
        var count = Split(line, (byte)' ', words);
        return count == 5 ? line[words[3]] : [];
    }

    /// <summary>Splits <paramref name="text"/> at each <paramref name="separator"/> into at most <paramref name="parts"/>' length; returns the count found (more than fit when it did not).</summary>
    public static int Split(ReadOnlySpan<byte> text, byte separator, Span<Range> parts)
    {
        var count = 0;
        foreach (var part in text.Split(separator))
        {
            if (count < parts.Length)
            {
                parts[count] = part;
            }

            count++;
        }

        return count;
    }

    /// <summary>The payload of a whole <c>MSG</c> frame.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> frame) => frame[(frame.IndexOf(Crlf) + 2)..^2];

    public override Handshake PublisherHandshake() => Open();

    public override Handshake Subscribe(string topic, string? group, bool explicitAck) => Open(topic + (group is null ? "" : " " + group));

    public override byte[] PublishFrame(string topic, ReadOnlySpan<byte> body) => Publish(topic, null, body);

    public override int Parse(ReadOnlySpan<byte> data, IFrameSink sink)
    {
        var consumed = 0;
        int lineEnd;
        while ((lineEnd = data[consumed..].IndexOf(Crlf)) >= 0)
        {
            var line = data.Slice(consumed, lineEnd);
            var isMessage = line.StartsWith("MSG "u8);
            if (isMessage || line.StartsWith("HMSG "u8))
            {
                // The size (for HMSG the total of headers and payload) is the last word.
                var size = LeadingNumber(line[(line.LastIndexOf((byte)' ') + 1)..]);
                var payloadStart = consumed + lineEnd + 2;
                if (size < 0 || data.Length - payloadStart < size + 2)
                {
                    break;
                }

                var frame = data[consumed..(payloadStart + (int)size + 2)];
                if (isMessage)
                {
                    sink.OnMessage(frame, 0, 0, false);
                }
                else
                {
                    // A status with no message: 503 (no stream took the publish), or a consumer's heartbeat (none is asked for).
                    sink.OnReply(false, -1, frame);
                }

                consumed = payloadStart + (int)size + 2;
                continue;
            }

            consumed += lineEnd + 2;
            NatsDialect.ControlLine(line, sink);
        }

        return consumed;
    }
}
