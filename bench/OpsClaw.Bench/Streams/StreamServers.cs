using Newtonsoft.Json;

namespace OpsClaw.Bench;

/// <summary>
/// The three servers of the streams run, each on a data directory of its own that outlives its
/// process (so the restart scenario can start it again on what it stored): opsclaw on SQLite,
/// opsclaw on a throwaway PostgreSQL, and NATS JetStream with file storage on loopback TCP.
/// </summary>
internal static class StreamServers
{
    public const string SqliteName = "opsclaw-sqlite";
    public const string PostgresName = "opsclaw-postgresql";
    public const string JetStreamName = JetStreamDialect.Name;

    public static readonly string[] All = [SqliteName, PostgresName, JetStreamName];

    /// <summary>The host with the stream <c>orders</c> (subjects <c>orders.&gt;</c>) stored in SQLite under <paramref name="dataDirectory"/>, default settings otherwise (WAL, synchronous FULL).</summary>
    public static ServerSpec OpsClawSqlite(string executable, string dataDirectory) =>
        OpsClaw(executable, SqliteName, dataDirectory, "opsclaw.broker.storage.sqlite-file = " + JsonConvert.ToString(Path.Combine(dataDirectory, "streams.db")));

    /// <summary>The host with the stream stored in <paramref name="storage"/>'s database.</summary>
    public static ServerSpec OpsClawPostgres(string executable, string dataDirectory, PostgresInstance storage) =>
        OpsClaw(executable, PostgresName, dataDirectory, "opsclaw.broker.storage { provider = postgresql, connection-string = " + JsonConvert.ToString(storage.ConnectionString) + " }");

    /// <summary>
    /// <c>nats-server -js -sd &lt;data&gt;</c> on 127.0.0.1 at a port it picks, otherwise as
    /// <see cref="BrokerServers.Nats"/> starts NATS core; the stream is made over the wire with file storage.
    /// </summary>
    public static ServerSpec JetStream(string executable, string dataDirectory)
    {
        var core = BrokerServers.Nats(executable);
        return core with
        {
            Name = JetStreamName,
            Arguments = directory => [.. core.Arguments(directory), "-js", "-sd", dataDirectory],
        };
    }

    public static StreamProtocol Protocol(string server) =>
        server == JetStreamName ? new JetStreamProtocol() : new OpsClawStreamProtocol(server);

    /// <summary>Removes a directory the bench made; a leftover temp directory is harmless, so failing is only reported.</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench: could not remove {directory}: {ex.Message}");
        }
    }

    private static ServerSpec OpsClaw(string executable, string name, string dataDirectory, string storage)
    {
        // The configuration lives beside the data, so a restart reads the same one.
        var config = Path.Combine(dataDirectory, "opsclaw.conf");
        File.WriteAllText(config, storage + "\nopsclaw.broker.streams." + StreamProtocol.StreamName + " { subjects = [" +
            JsonConvert.ToString(StreamProtocol.Subjects) + "] }\n");
        var host = ServerSpec.OpsClaw(executable, name);
        return host with { Arguments = directory => ["ipc", "serve-sockets", "--config", config, "--dir", directory] };
    }
}
