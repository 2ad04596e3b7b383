using System.Text;
using System.Text.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// Reads the payloads of the broker's requests into checked values, or the <c>invalid_payload</c>
/// detail that answers them. Fields are checked in the order they are listed for each message type
/// (the first problem wins), optional fields given as <c>null</c> count as absent, and unknown
/// fields are ignored, as for envelopes. It reuses its field readers from one payload to the next,
/// so it is not thread-safe: each broker actor has its own.
/// </summary>
/// <remarks>
/// Not Newtonsoft binding, as typed handlers use: the body must reach subscribers as the publisher
/// wrote it, and Newtonsoft's reader turns numbers into .NET values and strings into unescaped text,
/// so the original bytes would be lost. The strict UTF-8 reader gives the body's bytes and the other
/// fields in one pass.
/// </remarks>
internal sealed class BrokerPayloadReader
{
    private const int Topic = 0;
    private const int Body = 1;
    private const int Key = 2;
    private static readonly FieldSpec[] PublishFields = [new("topic"), new("body", Raw: true), new("key")];

    private const int Pattern = 0;
    private const int Group = 1;
    private const int AckField = 2;
    private const int MaxPending = 3;
    private const int Stream = 4;
    private const int Durable = 5;
    private const int Start = 6;
    private static readonly FieldSpec[] SubscribeFields =
        [new("topic"), new("group"), new("ack"), new("max_pending"), new("stream"), new("durable"), new("start")];

    /// <summary>The longest durable consumer name.</summary>
    public const int MaxDurableLength = 128;

    private const int Subscription = 0;
    private const int Delivery = 1;
    private const int UpTo = 2;
    private static readonly FieldSpec[] UnsubscribeFields = [new("subscription")];
    private static readonly FieldSpec[] AckFields = [new("subscription"), new("delivery"), new("up_to")];
    private static readonly FieldSpec[] NackFields = [new("subscription"), new("delivery")];

    private readonly JsonReaderOptions _options;
    private readonly PayloadFields _publish = new(PublishFields);
    private readonly PayloadFields _subscribe = new(SubscribeFields);
    private readonly PayloadFields _unsubscribe = new(UnsubscribeFields);
    private readonly PayloadFields _ack = new(AckFields);
    private readonly PayloadFields _nack = new(NackFields);

    /// <summary>The topic the last valid publish named (see <see cref="CheckTopic"/>).</summary>
    private string? _lastTopic;

    /// <param name="maxJsonDepth">The host's <c>max-json-depth</c>: a body may nest as deep as the envelope decoder let it.</param>
    public BrokerPayloadReader(int maxJsonDepth = IpcJson.DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJsonDepth, 1);
        _options = new JsonReaderOptions
        {
            MaxDepth = maxJsonDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
    }

    /// <summary><c>runtime.publish</c>: <c>topic</c> (a topic, no wildcards), <c>body</c> (required, any JSON, null included), <c>key</c> (a string of at most 255 bytes).</summary>
    public PayloadRead<PublishRequest> ReadPublish(ReadOnlySpan<byte> payloadUtf8, PayloadMember[]? members = null)
    {
        if (_publish.Read(payloadUtf8, members, _options, out var problem) is not { } fields)
        {
            return PayloadRead<PublishRequest>.Invalid(problem!);
        }

        // Every field is read first and the problems are taken in field order, so the first problem wins.
        var topicProblem = fields.Text(Topic, required: true, out var topic);
        var bodyProblem = fields.Json(Body, out var body);
        var keyProblem = fields.Text(Key, required: false, out var key);
        problem = topicProblem
            ?? CheckTopic(ref topic)
            ?? bodyProblem
            ?? keyProblem
            ?? (key is null ? null : NameLimits.CheckKey(key));
        return problem is null
            ? PayloadRead<PublishRequest>.Valid(new PublishRequest(topic!, body!, key))
            : PayloadRead<PublishRequest>.Invalid(problem);
    }

    /// <summary>
    /// <c>runtime.subscribe</c>: <c>topic</c> (a pattern), <c>group</c> (1 to 255 bytes), <c>ack</c>
    /// (<c>none</c>, the default, or <c>explicit</c>), <c>max_pending</c> (1 to 65536, default 1000).
    /// </summary>
    public PayloadRead<SubscribeRequest> ReadSubscribe(ReadOnlySpan<byte> payloadUtf8, PayloadMember[]? members = null)
    {
        if (_subscribe.Read(payloadUtf8, members, _options, out var problem) is not { } fields)
        {
            return PayloadRead<SubscribeRequest>.Invalid(problem!);
        }

        var patternProblem = fields.Text(Pattern, required: true, out var text);
        var groupProblem = fields.Text(Group, required: false, out var group);
        var ackProblem = fields.Text(AckField, required: false, out var ack);
        var maxPendingProblem = fields.Whole(MaxPending, required: false, 1, SubscribeRequest.MaxPendingLimit, out var maxPending);
        var streamProblem = fields.Text(Stream, required: false, out var stream);
        var durableProblem = fields.Text(Durable, required: false, out var durable);
        TopicPattern? pattern = null;
        var mode = AckMode.None;
        DurableRequest? durableRequest = null;
        problem = patternProblem
            ?? (TopicPattern.TryParse(text!, out pattern, out var invalid) ? null : invalid)
            ?? groupProblem
            ?? (group is null ? null : NameLimits.CheckGroup(group))
            ?? ackProblem
            ?? ReadAckMode(ack, out mode)
            ?? maxPendingProblem
            ?? streamProblem
            ?? durableProblem
            ?? ReadDurable(fields, stream, durable, group, ack, out durableRequest);
        return problem is null
            ? PayloadRead<SubscribeRequest>.Valid(new SubscribeRequest(pattern!, group, durableRequest is null ? mode : AckMode.Explicit, (int)(maxPending ?? SubscribeRequest.DefaultMaxPending))
            {
                Durable = durableRequest,
            })
            : PayloadRead<SubscribeRequest>.Invalid(problem);
    }

    /// <summary>
    /// <c>stream</c>, <c>durable</c> and <c>start</c> together make a durable consumer (docs/broker.md,
    /// "Streams"): both names or neither, explicit ack, no group (the durable name is the group).
    /// </summary>
    private static string? ReadDurable(PayloadFields fields, string? stream, string? durable, string? group, string? ack, out DurableRequest? request)
    {
        request = null;
        if (stream is null && durable is null)
        {
            return fields.IsGiven(Start) ? "field 'start' needs 'stream' and 'durable' (it says where a durable consumer starts)" : null;
        }

        if (stream is null || durable is null)
        {
            return "fields 'stream' and 'durable' go together: a stream is read by a named durable consumer";
        }

        if (!IpcSettingsReader.IsPlainName(stream, StreamSettings.MaxNameLength))
        {
            return $"field 'stream' must be a stream name (1 to {StreamSettings.MaxNameLength} characters of A-Z, a-z, 0-9, '_' and '-')";
        }

        if (!IpcSettingsReader.IsPlainName(durable, MaxDurableLength))
        {
            return $"field 'durable' must be 1 to {MaxDurableLength} characters of A-Z, a-z, 0-9, '_' and '-'";
        }

        if (group is not null)
        {
            return "field 'group' cannot be used with 'durable': subscriptions with the same durable name already share its messages";
        }

        if (ack == "none")
        {
            return "field 'ack' must be \"explicit\" (or absent) for a durable consumer: its position moves only with acknowledgements";
        }

        var start = StreamStart.New;
        if (fields.IsGiven(Start))
        {
            const string StartExpected = "field 'start' must be \"new\", \"all\" or a sequence number from 1";
            if (fields.Text(Start, required: false, out var startText) is null)
            {
                StreamStart? named = startText switch
                {
                    "new" => StreamStart.New,
                    "all" => new StreamStart(StreamStartKind.All, 0),
                    _ => null,
                };
                if (named is not { } known)
                {
                    return StartExpected;
                }

                start = known;
            }
            else if (fields.Whole(Start, required: false, 1, long.MaxValue, out var seq) is null)
            {
                start = new StreamStart(StreamStartKind.Seq, seq!.Value);
            }
            else
            {
                return StartExpected;
            }
        }

        request = new DurableRequest(stream, durable, start);
        return null;
    }

    /// <summary><c>runtime.unsubscribe</c>: <c>subscription</c> (a string; whether it names a live subscription is the broker's to say).</summary>
    public PayloadRead<UnsubscribeRequest> ReadUnsubscribe(ReadOnlySpan<byte> payloadUtf8, PayloadMember[]? members = null)
    {
        if (_unsubscribe.Read(payloadUtf8, members, _options, out var problem) is not { } fields)
        {
            return PayloadRead<UnsubscribeRequest>.Invalid(problem!);
        }

        problem = fields.Text(Subscription, required: true, out var subscription);
        return problem is null
            ? PayloadRead<UnsubscribeRequest>.Valid(new UnsubscribeRequest(subscription!))
            : PayloadRead<UnsubscribeRequest>.Invalid(problem);
    }

    /// <summary><c>runtime.ack</c>: <c>subscription</c>, and exactly one of <c>delivery</c> and <c>up_to</c> (a delivery number, from 1).</summary>
    public PayloadRead<AckRequest> ReadAck(ReadOnlySpan<byte> payloadUtf8, PayloadMember[]? members = null)
    {
        if (_ack.Read(payloadUtf8, members, _options, out var problem) is not { } fields)
        {
            return PayloadRead<AckRequest>.Invalid(problem!);
        }

        var subscriptionProblem = fields.Text(Subscription, required: true, out var subscription);
        var deliveryProblem = fields.Whole(Delivery, required: false, 1, long.MaxValue, out var delivery);
        var upToProblem = fields.Whole(UpTo, required: false, 1, long.MaxValue, out var upTo);
        problem = subscriptionProblem
            ?? deliveryProblem
            ?? upToProblem
            ?? (delivery, upTo) switch
            {
                (null, null) => "field 'delivery' or 'up_to' is required (one delivery, or every delivery up to a number)",
                (not null, not null) => "fields 'delivery' and 'up_to' exclude each other; give one",
                _ => null,
            };
        return problem is null
            ? PayloadRead<AckRequest>.Valid(new AckRequest(subscription!, (delivery ?? upTo)!.Value, UpTo: upTo is not null))
            : PayloadRead<AckRequest>.Invalid(problem);
    }

    /// <summary><c>runtime.nack</c>: <c>subscription</c> and <c>delivery</c> (a delivery number, from 1).</summary>
    public PayloadRead<NackRequest> ReadNack(ReadOnlySpan<byte> payloadUtf8, PayloadMember[]? members = null)
    {
        if (_nack.Read(payloadUtf8, members, _options, out var problem) is not { } fields)
        {
            return PayloadRead<NackRequest>.Invalid(problem!);
        }

        var subscriptionProblem = fields.Text(Subscription, required: true, out var subscription);
        var deliveryProblem = fields.Whole(Delivery, required: true, 1, long.MaxValue, out var delivery);
        problem = subscriptionProblem ?? deliveryProblem;
        return problem is null
            ? PayloadRead<NackRequest>.Valid(new NackRequest(subscription!, delivery!.Value))
            : PayloadRead<NackRequest>.Invalid(problem);
    }

    /// <summary>
    /// <c>runtime.forward</c>: its whole payload (any JSON) becomes the body of a message on topic
    /// <c>runtime.forward</c>, keyed by the request's <c>run_id</c> (a run_id of any length: the
    /// 255-byte bound is on the <c>key</c> field a client writes, not on what the host derives).
    /// </summary>
    public PayloadRead<PublishedMessage> ReadForward(ReadOnlySpan<byte> payloadUtf8, string? runId)
    {
        try
        {
            // The envelope decoder checked payload_json already; reading it through once more keeps this method safe on its own.
            var reader = new Utf8JsonReader(payloadUtf8, _options);
            reader.Read();
            reader.Skip();
            while (reader.Read())
            {
            }

            return PayloadRead<PublishedMessage>.Valid(
                new PublishedMessage(TopicSyntax.ForwardTopic, JsonCompactor.CompactUtf8(payloadUtf8.Trim(" \t\r\n"u8)), runId, runId));
        }
        catch (JsonException ex)
        {
            return PayloadRead<PublishedMessage>.Invalid(PayloadFields.NotJson(ex));
        }
    }

    /// <summary>
    /// A publisher mostly repeats its topic: the last topic found valid is not checked again, and its
    /// string is the one the message keeps (the one just read is let go).
    /// </summary>
    private string? CheckTopic(ref string? topic)
    {
        if (string.Equals(topic, _lastTopic, StringComparison.Ordinal))
        {
            topic = _lastTopic;
            return null;
        }

        var problem = TopicSyntax.CheckTopic(topic!);
        if (problem is null)
        {
            _lastTopic = topic;
        }

        return problem;
    }

    private static string? ReadAckMode(string? ack, out AckMode mode)
    {
        switch (ack)
        {
            case null or "none":
                mode = AckMode.None;
                return null;
            case "explicit":
                mode = AckMode.Explicit;
                return null;
            default:
                mode = AckMode.None;
                var shown = ack.Length <= 64 ? $"'{ack}'" : "a longer string";
                return $"field 'ack' must be 'none' or 'explicit', got {shown}";
        }
    }
}
