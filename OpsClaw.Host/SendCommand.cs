using System.CommandLine;
using System.Text;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary><c>opsclaw ipc send --socket --type [--payload] [--run-id] [--timeout-ms]</c>: one request, its reply on stdout.</summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "Path of the socket, e.g. .opsclaw/sockets/runtime.sock.", Required = true };
        var type = new Option<string>("--type") { Description = "message_type, e.g. runtime.ping.", Required = true };
        var payload = new Option<string>("--payload") { Description = "payload_json: a JSON document.", DefaultValueFactory = _ => "{}" };
        var runId = new Option<string?>("--run-id") { Description = "run_id, echoed in the reply." };
        var timeoutMs = new Option<int>("--timeout-ms") { Description = "How long to wait for the reply.", DefaultValueFactory = _ => 5000 };
        var command = new Command("send", "Send one request and print the reply line; exit 0 for ok, 1 for an error reply, 2 for no reply.")
        {
            socket, type, payload, runId, timeoutMs,
        };
        command.SetAction((parse, cancel) => RunAsync(
            parse.GetValue(socket)!,
            parse.GetValue(type)!,
            parse.GetValue(payload)!,
            parse.GetValue(runId),
            TimeSpan.FromMilliseconds(Math.Max(1, parse.GetValue(timeoutMs))),
            cancel));
        return command;
    }

    private static async Task<int> RunAsync(string socketPath, string type, string payload, string? runId, TimeSpan timeout, CancellationToken cancel)
    {
        if (await HostConnection.ConnectAsync(socketPath, cancel).ConfigureAwait(false) is not { } client)
        {
            return ExitCodes.Usage;
        }

        await using (client.ConfigureAwait(false))
        {
            try
            {
                var response = await client.SendAsync(type, payload, runId, timeout, cancel).ConfigureAwait(false);
                Console.Out.Write(Encoding.UTF8.GetString(IpcCodec.EncodeResponse(response)));
                Console.Out.Flush();
                return response.Ok ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                return ExitCodes.Fail(ExitCodes.Usage, ex.Message);
            }
        }
    }
}
