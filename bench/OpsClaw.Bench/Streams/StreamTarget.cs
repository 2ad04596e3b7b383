namespace OpsClaw.Bench;

/// <summary>
/// A server under test for the streams scenarios: its process (which the restart scenario kills
/// and starts again on the same stored data), the protocol it speaks, and where its CPU goes —
/// its own process, plus the database server's for opsclaw on PostgreSQL.
/// </summary>
internal sealed class StreamTarget : IAsyncDisposable
{
    private readonly ServerSpec _spec;
    private readonly string _dataDirectory;
    private readonly PostgresInstance? _storage;
    private bool _running = true;

    private StreamTarget(ServerSpec spec, StreamProtocol protocol, ServerProcess server, string dataDirectory, PostgresInstance? storage)
    {
        _spec = spec;
        Protocol = protocol;
        Server = server;
        _dataDirectory = dataDirectory;
        _storage = storage;
    }

    public string Name => _spec.Name;

    public StreamProtocol Protocol { get; }

    public ServerProcess Server { get; private set; }

    public string Address => Server.SocketPath;

    /// <summary>Whether a database server of its own stores its streams (its CPU is shown apart).</summary>
    public bool HasStorageServer => _storage is not null;

    /// <summary>The database server's version, for the report; null without one.</summary>
    public string? StorageVersion => _storage?.Version;

    /// <summary>Starts the server on <paramref name="dataDirectory"/>, which it owns from now on (removed on dispose), and declares the stream.</summary>
    public static async Task<StreamTarget> StartAsync(ServerSpec spec, StreamProtocol protocol, string dataDirectory, PostgresInstance? storage, CancellationToken cancel)
    {
        ServerProcess? server = null;
        try
        {
            server = await ServerProcess.StartAsync(spec).ConfigureAwait(false);
            await protocol.DeclareAsync(server.SocketPath, cancel).ConfigureAwait(false);
            return new StreamTarget(spec, protocol, server, dataDirectory, storage);
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            if (storage is not null)
            {
                await storage.DisposeAsync().ConfigureAwait(false);
            }

            StreamServers.TryDelete(dataDirectory);
            throw;
        }
    }

    public TimeSpan HostCpu() => Server.Probe.CpuTime();

    public TimeSpan StorageCpu() => _storage?.CpuTime() ?? TimeSpan.Zero;

    /// <summary>SIGKILL, as a crash; the stored data stays. Returns the exit code.</summary>
    public async Task<int> KillAsync()
    {
        _running = false;
        var exitCode = await Server.KillAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>Starts the server again on the same data; returns once it prints its ready line.</summary>
    public async Task RestartAsync()
    {
        Server = await ServerProcess.StartAsync(_spec).ConfigureAwait(false);
        _running = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            // The killed process of a restart that failed is already gone and disposed.
            var exitCode = await Server.StopAsync().ConfigureAwait(false);
            if (exitCode != 0)
            {
                Console.Error.WriteLine($"bench: {Name} exited with {exitCode} after its stop signal; stderr: {Server.StderrTail()}");
            }

            await Server.DisposeAsync().ConfigureAwait(false);
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }

        StreamServers.TryDelete(_dataDirectory);
    }
}
