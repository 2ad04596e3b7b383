namespace OpsClaw.Host;

/// <summary>Exit statuses of protocol.md §10.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>serve-sockets: any failure not covered below. send: the reply was an error envelope.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or configuration, a locked directory, a path it refuses to replace; send: no connection or no reply.</summary>
    public const int Usage = 2;
}
