using System.Text;
using Newtonsoft.Json.Linq;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A client on a real socket that tells pushed deliveries from replies by <c>message_type</c>, as a
/// pipelining client must (docs/protocol.md §9.3): replies are read in order, deliveries met on the
/// way are kept for <see cref="DeliveryAsync"/>. Every line read is kept too, for specs about the
/// order of the two.
/// </summary>
public sealed class WireClient : IDisposable
{
    private readonly Queue<JObject> _deliveries = new();
    private readonly Queue<JObject> _replies = new();

    private WireClient(RawConnection connection) => Connection = connection;

    public RawConnection Connection { get; }

    /// <summary>Every line read so far, raw.</summary>
    public List<string> Lines { get; } = [];

    public static async Task<WireClient> ConnectAsync(string socketPath) => new(await RawConnection.ConnectAsync(socketPath));

    public Task SendAsync(string messageType, string payloadJson = "{}", string? runId = null) =>
        Connection.WriteAsync(RawConnection.Request(messageType, runId, payloadJson));

    /// <summary>Many requests in one write, so the host sees them pipelined.</summary>
    public Task SendAllAsync(IEnumerable<string> requestLines) => Connection.WriteAsync(string.Concat(requestLines));

    /// <summary>The next line of any kind, parsed; fails when none comes in time.</summary>
    public async Task<JObject> NextAsync(TimeSpan? wait = null)
    {
        var line = await Connection.ReadLineAsync(wait) ?? throw new InvalidOperationException("the host closed the connection");
        Lines.Add(line);
        return JObject.Parse(line);
    }

    /// <summary>The next reply (not a delivery); deliveries read on the way are kept.</summary>
    public async Task<JObject> ReplyAsync(TimeSpan? wait = null)
    {
        if (_replies.TryDequeue(out var early))
        {
            return early;
        }

        while (true)
        {
            var line = await NextAsync(wait);
            if ((string?)line["message_type"] != "runtime.message")
            {
                return line;
            }

            _deliveries.Enqueue(line);
        }
    }

    /// <summary>The payload of the next delivery; replies read on the way are kept for <see cref="ReplyAsync"/>.</summary>
    public async Task<JObject> DeliveryAsync(TimeSpan? wait = null)
    {
        if (_deliveries.TryDequeue(out var early))
        {
            return Payload(early);
        }

        while (true)
        {
            var line = await NextAsync(wait);
            if ((string?)line["message_type"] == "runtime.message")
            {
                return Payload(line);
            }

            _replies.Enqueue(line);
        }
    }

    /// <summary>Sends one request and returns its reply's payload, failing on an error reply.</summary>
    public async Task<JObject> RequestAsync(string messageType, string payloadJson = "{}")
    {
        await SendAsync(messageType, payloadJson);
        var reply = await ReplyAsync();
        Assert.True((bool?)reply["ok"], reply.ToString());
        return Payload(reply);
    }

    public async Task<string> SubscribeAsync(string pattern, string? group = null, string? ack = null, int? maxPending = null) =>
        (string)(await RequestAsync("runtime.subscribe", SubscribePayload(pattern, group, ack, maxPending)))["subscription"]!;

    /// <summary>A <c>runtime.subscribe</c> payload with only the fields given.</summary>
    public static string SubscribePayload(string pattern, string? group = null, string? ack = null, int? maxPending = null)
    {
        var payload = new JObject { ["topic"] = pattern };
        if (group is not null)
        {
            payload["group"] = group;
        }

        if (ack is not null)
        {
            payload["ack"] = ack;
        }

        if (maxPending is not null)
        {
            payload["max_pending"] = maxPending;
        }

        return payload.ToString(Newtonsoft.Json.Formatting.None);
    }

    public static string Publish(string topic, string bodyJson, string? key = null, string? runId = null)
    {
        var payload = new StringBuilder("{\"topic\":").Append(Newtonsoft.Json.JsonConvert.ToString(topic)).Append(",\"body\":").Append(bodyJson);
        if (key is not null)
        {
            payload.Append(",\"key\":").Append(Newtonsoft.Json.JsonConvert.ToString(key));
        }

        return RawConnection.Request("runtime.publish", runId, payload.Append('}').ToString());
    }

    public static JObject Payload(JObject line) => JObject.Parse((string)line["payload_json"]!);

    public void Dispose() => Connection.Dispose();
}
