using System.Net.Sockets;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>One request to JetStream's API (<c>$JS.API.…</c>) on a connection of its own, its JSON answer checked for an error.</summary>
internal sealed class JetStreamApi : BrokerConnection
{
    private const string ReplyInbox = "_INBOX.bench.api";

    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private string? _answer;

    private JetStreamApi(Socket socket)
        : base(new JetStreamDialect(), socket)
    {
    }

    /// <summary>Sends <paramref name="json"/> to <paramref name="subject"/> and returns the answer; throws when JetStream answers with an error or not at all.</summary>
    public static async Task<string> RequestAsync(string address, string subject, string json, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(AnswerTimeout);
        using var request = new JetStreamApi(await BrokerDialect.ConnectAsync(address, timeout.Token).ConfigureAwait(false));
        await request.OpenAsync(JetStreamDialect.Open(ReplyInbox), timeout.Token).ConfigureAwait(false);
        await request.SendAsync(JetStreamDialect.Publish(subject, ReplyInbox, Encoding.UTF8.GetBytes(json)), timeout.Token).ConfigureAwait(false);

        // Bounded by the answer timeout.
        while (request._answer is null && request.FirstError is null)
        {
            if (!await request.Buffer.ReceiveAsync(request.Socket, timeout.Token).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"JetStream closed the connection before answering {subject}");
            }

            request.Buffer.Parse(request.Dialect, request);
            await request.AnswerPingsAsync(timeout.Token).ConfigureAwait(false);
        }

        if (request.FirstError is not null || request._answer!.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"JetStream refused {subject}: {request.FirstError ?? request._answer}");
        }

        return request._answer;
    }

    public override void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered) =>
        _answer ??= Encoding.UTF8.GetString(JetStreamDialect.Payload(frame));
}
