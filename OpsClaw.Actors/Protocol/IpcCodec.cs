namespace OpsClaw.Actors.Protocol;

/// <summary>
/// The NDJSON codec: request line bytes → request or typed error; envelope → UTF-8 bytes ending in
/// <c>\n</c>. Pure and actor-free, safe to share between threads.
/// </summary>
internal sealed class IpcCodec
{
    private readonly RequestDecoder _requests;

    public IpcCodec(int maxJsonDepth = IpcJson.DefaultMaxDepth)
    {
        _requests = new RequestDecoder(maxJsonDepth);
        MaxJsonDepth = maxJsonDepth;
    }

    public int MaxJsonDepth { get; }

    /// <summary>Decodes one line (without its <c>\n</c>), applying the checks of docs/protocol.md §4 in order.</summary>
    public DecodeResult DecodeRequest(ReadOnlySpan<byte> line) => _requests.Decode(line);

    /// <summary>The response as one compact JSON line, <c>\n</c> included.</summary>
    public static byte[] EncodeResponse(IpcResponse response) => EnvelopeEncoder.Encode(response);

    /// <summary>The request as one JSON line, <c>\n</c> included; <paramref name="schemaVersion"/> exists for tests of version mismatch.</summary>
    public static byte[] EncodeRequest(IpcRequest request, string schemaVersion = IpcSchema.Version) =>
        EnvelopeEncoder.Encode(request, schemaVersion);

    /// <summary>Runs every path of the codec once, so its types and their dependencies are loaded before traffic arrives.</summary>
    public static void WarmUp()
    {
        var codec = new IpcCodec();
        _ = codec.DecodeRequest(EncodeRequest(new IpcRequest("warm.up", "w", "{\"a\":[1,2.5,\"x\"]}")).AsSpan()[..^1]);
        _ = codec.DecodeRequest("{"u8);
        _ = DecodeResponse(EncodeResponse(IpcErrors.Overloaded("warm", 1)).AsSpan()[..^1]);
        _ = EncodeResponse(IpcResponse.Success("warm.up.ok", "w", "{}"));
    }

    /// <summary>Reads a response line (without its <c>\n</c>) on the client side.</summary>
    public static IpcResponse DecodeResponse(ReadOnlySpan<byte> line) => ResponseDecoder.Decode(line);
}
