namespace OpsClaw.Actors;

/// <summary>
/// One durable stream, declared in <c>opsclaw.broker.streams.&lt;name&gt;</c>: every message
/// published to a topic one of its <see cref="Subjects"/> matches is stored in it before the publish
/// is acknowledged (docs/broker.md, "Streams").
/// </summary>
/// <param name="Name">The stream's name: 1–64 characters of <c>A–Z a–z 0–9 _ -</c>.</param>
/// <param name="Subjects">The patterns whose topics it stores (<c>subjects</c>); no topic matches two streams.</param>
/// <param name="MaxMessages"><c>max-messages</c>: the most messages it retains, or null for no limit.</param>
/// <param name="MaxBytes"><c>max-bytes</c>: the most bytes (topic, body and key) it retains, or null for no limit.</param>
/// <param name="MaxAge"><c>max-age</c>: how long it retains a message, or null for no limit.</param>
public sealed record StreamSettings(string Name, IReadOnlyList<string> Subjects, long? MaxMessages, long? MaxBytes, TimeSpan? MaxAge)
{
    /// <summary>The longest stream name.</summary>
    public const int MaxNameLength = 64;
}

/// <summary>Where streams are stored: <c>opsclaw.broker.storage</c>.</summary>
/// <param name="Provider"><c>provider</c>: SQLite (embedded, the default) or PostgreSQL.</param>
/// <param name="SqliteFile"><c>sqlite-file</c>: the SQLite database file, created on first start (relative to the working directory).</param>
/// <param name="ConnectionString"><c>connection-string</c>: PostgreSQL's connection string (required for PostgreSQL, unused for SQLite).</param>
public sealed record StorageSettings(StorageProvider Provider, string SqliteFile, string ConnectionString)
{
    /// <summary>The embedded defaults: SQLite in <c>.opsclaw/state/broker.db</c>.</summary>
    public static StorageSettings Default { get; } = new(StorageProvider.Sqlite, ".opsclaw/state/broker.db", "");
}

/// <summary>The database behind streams.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file (WAL mode); nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, for production and for a cluster's shared journal.</summary>
    PostgreSql,
}
