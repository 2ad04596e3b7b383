using System.Text;
using Newtonsoft.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Host;

/// <summary>How client commands print a reply: the line itself, the payload as JSON, or words for a person.</summary>
internal static class ReplyOutput
{
    /// <summary><c>send</c>: the reply line on stdout, error replies included; exit 0 for ok, 1 for an error reply.</summary>
    public static int PrintLine(IpcResponse response)
    {
        Console.Out.Write(Encoding.UTF8.GetString(IpcCodec.EncodeResponse(response)));
        Console.Out.Flush();
        return response.Ok ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>
    /// The shortcuts: for an ok reply, its payload as one JSON line (<paramref name="json"/>) or what
    /// <paramref name="words"/> makes of it; an error reply is one stderr line naming its code, exit 1.
    /// A payload that is not what the message type promises is exit 2.
    /// </summary>
    public static int Print<TPayload>(string requestType, IpcResponse response, bool json, Func<TPayload, string> words)
    {
        if (!response.Ok)
        {
            return ExitCodes.Fail(ExitCodes.Failure, $"{requestType} failed: {response.ErrorCode}: {response.Error}");
        }

        string text;
        try
        {
            text = json ? response.PayloadJson : words(Payload<TPayload>(response));
        }
        catch (JsonException ex)
        {
            return ExitCodes.Fail(ExitCodes.Usage, $"the host's {response.MessageType} reply could not be read: {ex.Message}");
        }

        Console.Out.Write(text.EndsWith('\n') ? text : text + "\n");
        Console.Out.Flush();
        return ExitCodes.Ok;
    }

    /// <summary>The reply's payload as <typeparamref name="TPayload"/>; <see cref="JsonException"/> when it is not one.</summary>
    public static TPayload Payload<TPayload>(IpcResponse response) =>
        JsonConvert.DeserializeObject<TPayload>(response.PayloadJson, IpcJson.Settings)
            ?? throw new JsonSerializationException($"{response.MessageType} answered an empty payload");
}
