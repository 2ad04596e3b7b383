using System.Text;

namespace OpsClaw.Bench;

/// <summary>
/// Redis pub/sub over RESP2: <c>PUBLISH</c> answered by an integer (the receivers), <c>SUBSCRIBE</c>
/// confirmed by a <c>subscribe</c> array, and deliveries pushed as <c>message</c> arrays. Redis has
/// no queue groups and no acks.
/// </summary>
internal sealed class RedisDialect : BrokerDialect
{
    public override string Server => BrokerServers.RedisName;

    public override bool HasQueueGroups => false;

    public override bool HasAcks => false;

    public override bool CountsReceivers => true;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> MessageKind => "message"u8;

    public override Handshake PublisherHandshake() => new([], 0);

    public override Handshake Subscribe(string topic, string? group, bool explicitAck) =>
        group is null && !explicitAck
            ? new(Command("SUBSCRIBE", Encoding.UTF8.GetBytes(topic)), 1)
            : throw new NotSupportedException("Redis pub/sub has no queue groups or acks");

    public override byte[] PublishFrame(string topic, ReadOnlySpan<byte> body) =>
        Command("PUBLISH", Encoding.UTF8.GetBytes(topic), body.ToArray());

    public override int Parse(ReadOnlySpan<byte> data, IFrameSink sink)
    {
        var consumed = 0;
        while (consumed < data.Length)
        {
            var frame = data[consumed..];
            var length = frame[0] == (byte)'*' ? ArrayFrame(frame, sink) : SimpleFrame(frame, sink);
            if (length == 0)
            {
                break;
            }

            consumed += length;
        }

        return consumed;
    }

    /// <summary><c>:n</c>, <c>+text</c> or <c>-error</c> on one line, or a top-level bulk string; 0 while incomplete.</summary>
    private static int SimpleFrame(ReadOnlySpan<byte> frame, IFrameSink sink)
    {
        var lineEnd = frame.IndexOf(Crlf);
        if (lineEnd < 0)
        {
            return 0;
        }

        var line = frame[..(lineEnd + 2)];
        switch (frame[0])
        {
            case (byte)':':
                sink.OnReply(true, LeadingNumber(frame[1..]), line);
                return line.Length;
            case (byte)'+':
                sink.OnReply(true, -1, line);
                return line.Length;
            case (byte)'-':
                sink.OnReply(false, -1, line);
                return line.Length;
            case (byte)'$':
                var bulk = Element(frame, out _);
                if (bulk > 0)
                {
                    sink.OnReply(true, -1, frame[..bulk]);
                }

                return bulk;
            default:
                throw new InvalidDataException($"not a RESP frame: {Encoding.ASCII.GetString(line)}");
        }
    }

    /// <summary>A push or a subscribe confirmation: <c>*3</c> of kind, channel and payload or count; 0 while incomplete.</summary>
    private static int ArrayFrame(ReadOnlySpan<byte> frame, IFrameSink sink)
    {
        var headerEnd = frame.IndexOf(Crlf);
        if (headerEnd < 0)
        {
            return 0;
        }

        var count = LeadingNumber(frame[1..]);
        var offset = headerEnd + 2;
        Range kind = default;
        Range last = default;
        for (var index = 0; index < count; index++)
        {
            var length = Element(frame[offset..], out var content);
            if (length == 0)
            {
                return 0;
            }

            var absolute = new Range(offset + content.Start.Value, offset + content.End.Value);
            if (index == 0)
            {
                kind = absolute;
            }

            last = absolute;
            offset += length;
        }

        var whole = frame[..offset];
        if (count == 3 && frame[kind].SequenceEqual(MessageKind))
        {
            sink.OnMessage(frame[last], 0, 0, false);
        }
        else
        {
            sink.OnReply(true, count == 3 ? LeadingNumber(frame[last]) : -1, whole);
        }

        return offset;
    }

    /// <summary>One array element, a bulk string or an integer: its length on the wire and its content; 0 while incomplete.</summary>
    private static int Element(ReadOnlySpan<byte> element, out Range content)
    {
        content = default;
        var lineEnd = element.IndexOf(Crlf);
        if (lineEnd < 0)
        {
            return 0;
        }

        if (element[0] != (byte)'$')
        {
            content = new Range(1, lineEnd);
            return lineEnd + 2;
        }

        var size = LeadingNumber(element[1..]);
        var total = lineEnd + 2 + size + 2;
        if (size < 0 || element.Length < total)
        {
            return 0;
        }

        content = new Range(lineEnd + 2, lineEnd + 2 + (int)size);
        return (int)total;
    }

    private static byte[] Command(string name, params byte[][] arguments)
    {
        var bytes = new List<byte>();
        void Line(string text)
        {
            bytes.AddRange(Encoding.ASCII.GetBytes(text));
            bytes.AddRange(Crlf);
        }

        void Bulk(ReadOnlySpan<byte> value)
        {
            Line("$" + value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            bytes.AddRange(value);
            bytes.AddRange(Crlf);
        }

        Line("*" + (1 + arguments.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Bulk(Encoding.ASCII.GetBytes(name));
        foreach (var argument in arguments)
        {
            Bulk(argument);
        }

        return [.. bytes];
    }
}
