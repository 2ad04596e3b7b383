namespace OpsClaw.Actors.Client;

/// <summary>Why <see cref="IpcClient.ConnectAsync"/> could not connect: <see cref="IpcConnectException.Failure"/>.</summary>
public enum IpcConnectFailure
{
    /// <summary>Any other error; the exception's inner exception has it.</summary>
    Other,

    /// <summary>Nothing exists at the socket path (or a directory on the way is missing): no host serves there.</summary>
    NotFound,

    /// <summary>
    /// A socket file is there but no process accepts connections on it: a stale socket, left by a host
    /// that did not stop cleanly (the next host to start in that directory removes it).
    /// </summary>
    NotListening,

    /// <summary>The path names something other than a socket: a regular file, a directory, a FIFO.</summary>
    NotASocket,

    /// <summary>This process may not connect: the socket's mode, or a directory on the way, does not admit its user.</summary>
    PermissionDenied,

    /// <summary>The host's queue of connections waiting to be accepted is full; a later attempt may succeed.</summary>
    Busy,

    /// <summary>The path is longer than a Unix socket address can hold.</summary>
    PathTooLong,
}
