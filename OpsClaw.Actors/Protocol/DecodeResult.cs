namespace OpsClaw.Actors.Protocol;

/// <summary>What one request line decoded to: a request, or the error response that answers it.</summary>
internal readonly record struct DecodeResult
{
    private DecodeResult(IpcRequest? request, IpcResponse? error)
    {
        Request = request;
        Error = error;
    }

    public IpcRequest? Request { get; }

    public IpcResponse? Error { get; }

    public static DecodeResult Accepted(IpcRequest request) => new(request, null);

    public static DecodeResult Rejected(IpcResponse error) => new(null, error);
}
