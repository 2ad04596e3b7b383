using System.Net.Sockets;
using System.Text;
using Newtonsoft.Json.Linq;

namespace OpsClaw.Bench;

/// <summary>Asks a node for its view of the cluster: <c>control.cluster</c> on its control socket (one connection per question).</summary>
internal static class ClusterControl
{
    /// <summary>A reply is a few hundred bytes per member; anything past this is not a reply to read.</summary>
    private const int MaxReplyBytes = 1 << 20;

    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ClusterView> ViewAsync(string controlSocket, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(ReplyTimeout);
        using var socket = await Wire.ConnectAsync(controlSocket, timeout.Token).ConfigureAwait(false);
        await Wire.SendAllAsync(socket, OpsClawDialect.Envelope("control.cluster", "{}"), timeout.Token).ConfigureAwait(false);
        return Parse(await ReadLineAsync(socket, timeout.Token).ConfigureAwait(false));
    }

    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancel)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];

        // Bounded by the reply timeout and by MaxReplyBytes.
        while (received.Length < MaxReplyBytes)
        {
            var count = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
            if (count == 0)
            {
                break;
            }

            received.Write(buffer, 0, count);
            if (Array.IndexOf(buffer, (byte)'\n', 0, count) >= 0)
            {
                break;
            }
        }

        var text = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? throw new InvalidDataException($"control.cluster: no whole reply line ({received.Length} bytes)") : text[..end];
    }

    private static ClusterView Parse(string line)
    {
        var envelope = JObject.Parse(line);
        if (envelope.Value<bool?>("ok") != true)
        {
            throw new InvalidOperationException($"control.cluster was refused: {envelope.Value<string>("error")} ({envelope.Value<string>("error_code")})");
        }

        var payload = JObject.Parse(envelope.Value<string>("payload_json") ?? "{}");
        if (payload.Value<bool?>("enabled") != true)
        {
            throw new InvalidOperationException("control.cluster: the node is not in a cluster");
        }

        var members = (payload["members"] as JArray ?? [])
            .OfType<JObject>()
            .Select(member => new ClusterMemberView(
                member.Value<string>("address") ?? "",
                member.Value<string>("status") ?? "",
                member.Value<bool?>("reachable") ?? false,
                member.Value<int?>("subscriptions") ?? 0))
            .ToList();
        return new ClusterView(payload.Value<string>("self") ?? "", members);
    }
}
