using System.CommandLine;
using System.Globalization;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw pub &lt;topic&gt; &lt;json&gt; [--key] [--run-id] [--json]</c>: one <c>runtime.publish</c>,
/// as <c>nats pub</c> or <c>redis-cli publish</c>; prints how many deliveries it made, and where a
/// stream stored it.
/// </summary>
internal static class PubCommand
{
    public static Command Create()
    {
        var topic = new Argument<string>("topic") { Description = "The topic to publish to, e.g. runs.r42 (tokens of A-Z a-z 0-9 _ - separated by '.')." };
        var body = new Argument<string>("json")
        {
            Description = "The body: a JSON document, - to read it from stdin, or @file to read it from a file (UTF-8).",
        };
        var key = new Option<string?>("--key") { Description = "The message's key: a queue group hands messages with the same key to the same member." };
        var runId = new Option<string?>("--run-id") { Description = "run_id of the request, carried by every delivery of the message." };
        var location = new HostLocation(RuntimeChannelActor.Name);
        var json = ShortcutCommand.JsonOption();
        var timeout = ShortcutCommand.TimeoutOption();
        var command = new Command("pub", "Publish a message to a topic (runtime.publish) and print how many deliveries it made, 'matched N', and the stream and seq it was stored under when a stream took it.")
        {
            topic, body, key, runId, json, timeout,
        };
        location.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            if (await PayloadSource.ReadAsync(parse.GetValue(body)!, cancel).ConfigureAwait(false) is not { } bodyJson)
            {
                return ExitCodes.Usage;
            }

            if (BrokerRequests.JsonProblem(bodyJson) is { } problem)
            {
                return ExitCodes.Fail(ExitCodes.Usage, $"the body is not a JSON document: {problem}");
            }

            var request = new IpcRequest(MessageTypes.RuntimePublish, parse.GetValue(runId), BrokerRequests.Publish(parse.GetValue(topic)!, bodyJson, parse.GetValue(key)));
            if (await ClientRequest.SendAsync(location.Resolve(parse), request, Milliseconds.Of(parse, timeout), cancel).ConfigureAwait(false) is not { } reply)
            {
                return ExitCodes.Usage;
            }

            return ReplyOutput.Print<PublishAckPayload>(MessageTypes.RuntimePublish, reply.Response, parse.GetValue(json), Words);
        });
        return command;
    }

    /// <summary><c>matched N</c>, then <c>stream S  seq Q</c> when a stream stored the message.</summary>
    private static string Words(PublishAckPayload ack) =>
        ack is { Stream: { } stream, Seq: { } seq }
            ? string.Create(CultureInfo.InvariantCulture, $"matched {ack.Matched}  stream {stream}  seq {seq}")
            : string.Create(CultureInfo.InvariantCulture, $"matched {ack.Matched}");
}
