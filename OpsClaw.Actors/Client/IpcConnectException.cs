namespace OpsClaw.Actors.Client;

/// <summary>
/// <see cref="IpcClient.ConnectAsync"/> could not connect. The message says why in words (the socket
/// file does not exist, nobody is listening on it, permission denied, …); <see cref="Failure"/> says
/// it for code, and the inner exception holds the system's own error.
/// </summary>
public sealed class IpcConnectException : IOException
{
    /// <summary>Creates the exception for a failed connect to <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">The path that was connected to.</param>
    /// <param name="failure">Why the connect failed.</param>
    /// <param name="message">The whole sentence, naming the path.</param>
    /// <param name="inner">The system's error, when there is one.</param>
    internal IpcConnectException(string socketPath, IpcConnectFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        SocketPath = socketPath;
        Failure = failure;
    }

    /// <summary>The path that was connected to.</summary>
    public string SocketPath { get; }

    /// <summary>Why the connect failed.</summary>
    public IpcConnectFailure Failure { get; }
}
