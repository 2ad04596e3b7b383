namespace OpsClaw.Actors.Hosting;

/// <summary>
/// What <c>WithOpsClawIpc</c> does when OpsClaw IPC cannot start: a socket that cannot be bound, a
/// bad or repeated channel name, a locked or unsafe socket directory (<see cref="OpsClawIpcOptions.OnStartFailure"/>).
/// </summary>
public enum IpcStartFailure
{
    /// <summary>
    /// The host's start fails: <c>IHost.StartAsync</c> (and so <c>RunAsync</c>) throws the
    /// <see cref="IpcStartupException"/> or other cause, and the application exits non-zero. The default.
    /// </summary>
    FailHostStart,

    /// <summary>
    /// The application runs on without its sockets: the cause is logged as an error, the health check
    /// reports Unhealthy, and <see cref="Ipc.OpsClawIpc.Ready"/> holds the exception.
    /// </summary>
    LogAndKeepRunning,

    /// <summary>
    /// The application runs on and reports the failure itself, from <see cref="Ipc.OpsClawIpc.Ready"/>
    /// (as the <c>opsclaw</c> command line does): nothing is logged above debug level.
    /// </summary>
    ApplicationAwaitsReady,
}
