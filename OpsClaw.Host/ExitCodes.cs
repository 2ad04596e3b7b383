namespace OpsClaw.Host;

/// <summary>Exit statuses of docs/api-reference.md, "Command line".</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>serve-sockets: any failure not covered below. send: the reply was an error envelope.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or configuration, a locked directory, a path it refuses to replace; send: no connection or no reply.</summary>
    public const int Usage = 2;

    /// <summary>serve-sockets: stopped gracefully on SIGHUP (128 + 1, as a shell reports a hangup), so a supervisor restarts it.</summary>
    public const int HangUp = 129;

    /// <summary>Says what went wrong in one stderr line, as every non-zero exit must, and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"opsclaw: {message}");
        return exitCode;
    }
}
