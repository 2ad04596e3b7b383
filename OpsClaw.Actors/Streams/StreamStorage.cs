using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;

namespace OpsClaw.Actors.Streams;

/// <summary>
/// The journal and snapshot store behind streams, opened once per actor system: Akka.Persistence.Sql
/// (Linq2Db) over an embedded SQLite file or a PostgreSQL server, under plugin ids of OpsClaw's own
/// so an application's own <c>akka.persistence.journal.sql</c> is never touched, with the stream
/// records' serializer registered. Tables are created on first use when missing.
/// </summary>
internal sealed class StreamStorage : IExtension
{
    public const string JournalId = "akka.persistence.journal.opsclaw-streams";
    public const string SnapshotId = "akka.persistence.snapshot-store.opsclaw-streams";
    public const string QueryId = "akka.persistence.query.journal.opsclaw-streams";

    private readonly ExtendedActorSystem _system;
    private readonly Lock _gate = new();
    private Task<SqlReadJournal>? _readJournal;

    public StreamStorage(ExtendedActorSystem system) => _system = system;

    /// <summary>The storage opened, or null before <see cref="Open"/>.</summary>
    public StorageSettings? Opened { get; private set; }

    public static StreamStorage Get(ActorSystem system) => system.WithExtension<StreamStorage, StreamStorageProvider>();

    /// <summary>The name <c>control.streams</c> reports for a provider.</summary>
    public static string ProviderName(StorageProvider provider) => provider == StorageProvider.PostgreSql ? "postgresql" : "sqlite";

    /// <summary>
    /// Makes the storage ready for stream actors: the SQLite file's directory and WAL mode, the plugins'
    /// config, the serializer. Idempotent; a second call with other settings is refused.
    /// </summary>
    /// <exception cref="IpcStartupException">The SQLite file cannot be made or opened; the message says which and why.</exception>
    public void Open(StorageSettings settings)
    {
        lock (_gate)
        {
            if (Opened is { } opened)
            {
                if (opened != settings)
                {
                    throw new InvalidOperationException("stream storage is already open in this actor system with other settings");
                }

                return;
            }

            var connectionString = settings.Provider == StorageProvider.Sqlite ? PrepareSqlite(settings.SqliteFile) : settings.ConnectionString;

            // Injected config rebuilds the actor system's serialization, so the serializer is bound there too.
            _system.Settings.InjectTopLevelFallback(PluginConfig(settings.Provider, connectionString).WithFallback(SerializerConfig()));
            Opened = settings;
        }
    }

    /// <summary>
    /// The query side of the journal, made on a pool thread: its constructor waits up to 5 s for the
    /// write journal to be ready (longer when the database is slow or locked), which would stall the
    /// actor asking or, in a constructor, fail it. A failed attempt is not kept; the next call tries again.
    /// </summary>
    public Task<SqlReadJournal> ReadJournal()
    {
        lock (_gate)
        {
            if (_readJournal is null || _readJournal.IsFaulted || _readJournal.IsCanceled)
            {
                var system = _system;
                _readJournal = Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(QueryId));
            }

            return _readJournal;
        }
    }

    /// <summary>Runs a query of the journal to its end, off the caller's thread, the query side made first if need be.</summary>
    public async Task<IReadOnlyList<T>> ReadAsync<T>(Func<SqlReadJournal, Source<T, NotUsed>> query, IMaterializer materializer)
    {
        var journal = await ReadJournal().ConfigureAwait(false);
        return await query(journal).RunWith(Sink.Seq<T>(), materializer).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the file's directory (owner-only, like the socket directory's state) and turns WAL on,
    /// which SQLite keeps in the file: Microsoft.Data.Sqlite takes no pragma in its connection string.
    /// </summary>
    private static string PrepareSqlite(string file)
    {
        var path = Path.GetFullPath(file);
        try
        {
            if (Path.GetDirectoryName(path) is { } directory && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
            var created = !File.Exists(path);
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            if (created)
            {
                // Messages are the users' data: owner-only, as the write-ahead log and index files SQLite makes beside it will be.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = command.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new IpcStartupException($"stream storage {path}: SQLite would not use WAL mode (it answered '{mode}')");
            }

            return connectionString;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new IpcStartupException($"stream storage {path} cannot be opened (opsclaw.broker.storage.sqlite-file): {ex.Message}");
        }
    }

    /// <summary>
    /// The three plugins under OpsClaw's ids, each over the library's own defaults. Tags are never
    /// used, so they are written the cheapest way (a column, not a table).
    /// </summary>
    private static Config PluginConfig(StorageProvider provider, string connectionString)
    {
        var (linq2DbProvider, mapping) = provider == StorageProvider.PostgreSql ? ("PostgreSQL", "postgresql") : ("SQLite.MS", "sqlite");
        var connection = Quote(connectionString);

        // Microsoft.Data.Sqlite begins every transaction but a read-uncommitted one with BEGIN IMMEDIATE,
        // which takes the write lock: the plugins' reads (catch-up, recovery, the query side's polling)
        // would queue behind the stream's writes and stall them. Read-uncommitted begins a deferred
        // transaction; without a shared cache it reads the last commit, as any WAL reader does.
        var reads = provider == StorageProvider.Sqlite ? "read-isolation-level = read-uncommitted" : "";
        var journal = $$"""
            plugin-id = "{{JournalId}}"
            connection-string = {{connection}}
            provider-name = "{{linq2DbProvider}}"
            table-mapping = {{mapping}}
            tag-write-mode = Csv
            auto-initialize = on
            replay-batch-size = 10000
            {{reads}}
            """;
        var snapshot = $$"""
            plugin-id = "{{SnapshotId}}"
            connection-string = {{connection}}
            provider-name = "{{linq2DbProvider}}"
            table-mapping = {{mapping}}
            auto-initialize = on
            {{reads}}
            """;
        var query = $$"""
            plugin-id = "{{QueryId}}"
            write-plugin = "{{JournalId}}"
            connection-string = {{connection}}
            provider-name = "{{linq2DbProvider}}"
            table-mapping = {{mapping}}
            tag-read-mode = Csv
            max-buffer-size = 5000
            refresh-interval = 1s
            {{reads}}
            """;
        return Under(JournalId, journal, SqlPersistence.DefaultJournalConfiguration)
            .WithFallback(Under(SnapshotId, snapshot, SqlPersistence.DefaultSnapshotConfiguration))
            .WithFallback(Under(QueryId, query, SqlPersistence.DefaultQueryConfiguration));
    }

    /// <summary>
    /// Binds every stream record type to <see cref="StreamRecordSerializer"/>, each by name: a record
    /// must never fall to Akka's default JSON serializer, which writes .NET type names.
    /// </summary>
    private static Config SerializerConfig()
    {
        var serializer = Quote(typeof(StreamRecordSerializer).FullName + ", " + typeof(StreamRecordSerializer).Assembly.GetName().Name);
        var bindings = string.Join("\n", StreamRecordSerializer.RecordTypes.Select(type =>
            $"{Quote(type.FullName + ", " + type.Assembly.GetName().Name)} = opsclaw-streams"));
        return ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.opsclaw-streams = {{serializer}}
            akka.actor.serialization-bindings {
            {{bindings}}
            }
            """);
    }

    /// <summary>Our keys at <paramref name="path"/>, over the library's defaults for that plugin moved there.</summary>
    private static Config Under(string path, string ours, Config defaults) =>
        ConfigurationFactory.ParseString($"{path} {{\n{ours}\n}}")
            .WithFallback(ConfigurationFactory.ParseString($"{path} {{\n{defaults.ToString(includeFallback: true)}\n}}"));

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>The persistence plugins a stream's actors write through.</summary>
/// <param name="Journal">The journal's plugin id.</param>
/// <param name="Snapshot">The snapshot store's plugin id.</param>
internal sealed record StreamPlugins(string Journal, string Snapshot)
{
    public static StreamPlugins Default { get; } = new(StreamStorage.JournalId, StreamStorage.SnapshotId);
}

/// <summary>Makes the <see cref="StreamStorage"/> of an actor system.</summary>
internal sealed class StreamStorageProvider : ExtensionIdProvider<StreamStorage>
{
    public override StreamStorage CreateExtension(ExtendedActorSystem system) => new(system);
}
