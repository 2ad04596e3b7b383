using System.CommandLine;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>
/// A built-in request under a name of its own, as <c>redis-cli ping</c> or <c>docker stop</c>:
/// <c>opsclaw ping</c>, <c>health</c>, <c>channels</c>. Each sends one request on the channel's
/// socket, found as every client command finds it (<see cref="HostLocation"/>), and prints the reply
/// in words, or its payload with <c>--json</c>.
/// </summary>
internal static class ShortcutCommand
{
    public static Command Create<TPayload>(string name, string description, string channel, string messageType, Func<TPayload, Reply, SocketTarget, string> words)
    {
        var location = new HostLocation(channel);
        var json = JsonOption();
        var timeout = TimeoutOption();
        var command = new Command(name, description) { json, timeout };
        location.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var target = location.Resolve(parse);
            if (await ClientRequest.SendAsync(target, new IpcRequest(messageType, null, IpcResponse.EmptyPayload), Milliseconds.Of(parse, timeout), cancel).ConfigureAwait(false) is not { } reply)
            {
                return ExitCodes.Usage;
            }

            return ReplyOutput.Print<TPayload>(messageType, reply.Response, parse.GetValue(json), payload => words(payload, reply, target));
        });
        return command;
    }

    public static Option<bool> JsonOption() => new("--json") { Description = "Print the reply's payload as one line of JSON instead of words." };

    public static Option<int> TimeoutOption(int defaultMilliseconds = 5000, string description = "How long to wait for the reply.") =>
        Milliseconds.Option("--timeout-ms", description, defaultMilliseconds);
}
