using OpsClaw.Actors.Protocol;

namespace OpsClaw.Fuzz;

/// <summary>
/// What must hold for any line the decoder is given: it answers rather than throws, an error
/// answer survives the trip to the client, and an accepted request survives re-encoding.
/// </summary>
internal static class DecodeChecks
{
    public static void Check(IpcCodec codec, ReadOnlySpan<byte> line)
    {
        DecodeResult result;
        try
        {
            result = codec.DecodeRequest(line);
        }
        catch (Exception ex)
        {
            // A throw here would kill the connection actor instead of answering the client.
            throw new InvariantViolation($"DecodeRequest threw {ex.GetType().Name}: {ex.Message}\n{ex}");
        }

        switch (result)
        {
            case { Request: { } request, Error: null }:
                CheckRequestRoundTrip(codec, request);
                BrokerPayloadChecks.Check(request);
                break;
            case { Request: null, Error: { } error }:
                CheckErrorRoundTrip(error);
                break;
            default:
                throw new InvariantViolation("DecodeResult must hold exactly one of Request and Error");
        }
    }

    private static void CheckErrorRoundTrip(IpcResponse error)
    {
        if (error.Ok || !IpcErrors.AllCodes.Contains(error.ErrorCode) || error.MessageType != MessageTypes.Error)
        {
            throw new InvariantViolation($"not a well-formed error response: {error}");
        }

        var body = WireLine.CheckShape(IpcCodec.EncodeResponse(error), "error response");
        var decoded = IpcCodec.DecodeResponse(body);
        if (decoded != error)
        {
            throw new InvariantViolation($"error response changed on the wire: sent {error}, read back {decoded}");
        }
    }

    private static void CheckRequestRoundTrip(IpcCodec codec, IpcRequest request)
    {
        var body = WireLine.CheckShape(IpcCodec.EncodeRequest(request), "request");
        var again = codec.DecodeRequest(body);
        if (again.Request != request)
        {
            throw new InvariantViolation($"request changed on re-encoding: {request} became {again.Request?.ToString() ?? again.Error!.ToString()}");
        }
    }
}
