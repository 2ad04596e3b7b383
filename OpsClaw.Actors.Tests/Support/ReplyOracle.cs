using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// What the host must answer to one request line on a given channel, worked out without the host:
/// a line over max-line-bytes is <c>frame_too_large</c>; a line the codec refuses gets exactly the
/// codec's error; a valid request gets its channel's answer for its type, with its own run_id.
/// Lets the socket fuzz check meaning, not just shape.
/// </summary>
public sealed class ReplyOracle(IReadOnlyDictionary<string, IReadOnlyList<string>> answersByType, int maxLineBytes = 1_048_576)
{
    private readonly IpcCodec _codec = new();

    /// <summary>The runtime channel: ping and forward succeed whatever their payload.</summary>
    public static ReplyOracle Runtime { get; } = new(new Dictionary<string, IReadOnlyList<string>>
    {
        ["runtime.ping"] = ["ok"],
        ["runtime.forward"] = ["ok"],
    });

    /// <summary>The sample echo channel: typed handlers refuse a payload that does not fit; echo.crash fails its request.</summary>
    public static ReplyOracle Echo { get; } = new(new Dictionary<string, IReadOnlyList<string>>
    {
        ["echo.say"] = ["ok", IpcErrors.InvalidPayloadCode],
        ["echo.tally"] = ["ok", IpcErrors.InvalidPayloadCode],
        ["echo.crash"] = [IpcErrors.HandlerFailedCode, IpcErrors.InvalidPayloadCode],
    });

    /// <summary>Null when <paramref name="reply"/> is what <paramref name="line"/> must get, else what is wrong with it.</summary>
    public string? Check(ReadOnlySpan<byte> line, IpcResponse reply)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > maxLineBytes)
        {
            return Expect(reply, IpcErrors.FrameTooLarge(maxLineBytes));
        }

        var decoded = _codec.DecodeRequest(line);
        if (decoded.Request is not { } request)
        {
            return Expect(reply, decoded.Error!);
        }

        if (reply.RunId != request.RunId)
        {
            return $"run_id {Show(reply.RunId)} instead of {Show(request.RunId)}";
        }

        var allowed = answersByType.TryGetValue(request.MessageType, out var known) ? known : [IpcErrors.UnsupportedMessageTypeCode];
        var outcome = reply.Ok ? "ok" : reply.ErrorCode ?? "(none)";
        return allowed.Contains(outcome)
            ? null
            : $"{request.MessageType} answered {outcome} ({reply.Error}); expected one of {string.Join(", ", allowed)}";
    }

    private static string? Expect(IpcResponse reply, IpcResponse expected) =>
        (reply.Ok, reply.ErrorCode, reply.RunId, reply.Error) == (expected.Ok, expected.ErrorCode, expected.RunId, expected.Error)
            ? null
            : $"answered {reply.ErrorCode ?? "ok"} run_id {Show(reply.RunId)} ({reply.Error}); expected {expected.ErrorCode} run_id {Show(expected.RunId)} ({expected.Error})";

    private static string Show(string? runId) => runId is null ? "null" : Newtonsoft.Json.JsonConvert.ToString(runId);
}
