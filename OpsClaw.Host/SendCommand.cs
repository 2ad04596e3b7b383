using System.CommandLine;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw send --type [--channel | --socket] [--dir] [--payload] [--run-id] [--timeout-ms]</c>
/// (also <c>opsclaw ipc send</c>): one request, its reply line on stdout.
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type") { Description = "message_type, e.g. runtime.ping.", Required = true };
        var channel = new Option<string?>("--channel")
        {
            Description = "Channel to send to, on <dir>/<channel>.sock [default: the part of --type before its first '.', e.g. runtime for runtime.ping].",
        };
        var location = new HostLocation(null);
        var payload = new Option<string>("--payload") { Description = PayloadSource.Help, DefaultValueFactory = _ => IpcResponse.EmptyPayload };
        var runId = new Option<string?>("--run-id") { Description = "run_id, echoed in the reply." };
        var timeout = ShortcutCommand.TimeoutOption();
        var command = new Command("send", "Send one request and print the reply line; exit 0 for ok, 1 for an error reply, 2 for no reply.")
        {
            type, channel, payload, runId, timeout,
        };
        location.AddTo(command, channel);
        command.Validators.Add(result =>
        {
            if (result.GetResult(location.Socket) is null && ChannelProblem(result.GetValue(channel), result.GetValue(type)) is { } problem)
            {
                result.AddError(problem);
            }
        });
        command.SetAction(async (parse, cancel) =>
        {
            var typeName = parse.GetValue(type)!;
            var target = location.Resolve(parse, parse.GetValue(channel) ?? ChannelOf(typeName));
            if (await PayloadSource.ReadAsync(parse.GetValue(payload)!, cancel).ConfigureAwait(false) is not { } payloadJson)
            {
                return ExitCodes.Usage;
            }

            var request = new IpcRequest(typeName, parse.GetValue(runId), payloadJson);
            return await ClientRequest.SendAsync(target, request, Milliseconds.Of(parse, timeout), cancel).ConfigureAwait(false) is { } reply
                ? ReplyOutput.PrintLine(reply.Response)
                : ExitCodes.Usage;
        });
        return command;
    }

    /// <summary>The channel a message type names by its prefix: <c>runtime</c> for <c>runtime.ping</c>, <c>kv</c> for <c>kv.get</c>.</summary>
    private static string ChannelOf(string messageType) => messageType[..Math.Max(0, messageType.IndexOf('.', StringComparison.Ordinal))];

    private static string? ChannelProblem(string? channel, string? messageType)
    {
        if (channel is not null)
        {
            return ChannelNames.Problem(channel) is { } problem ? "--channel: " + problem : null;
        }

        if (messageType is null)
        {
            return null;
        }

        var implied = ChannelOf(messageType);
        return implied.Length == 0 || ChannelNames.Problem(implied) is not null
            ? $"--type '{messageType}' names no channel by a '<channel>.' prefix: say which with --channel or --socket"
            : null;
    }
}
