using System.Data.Common;
using System.Globalization;
using System.Text;
using OpsClaw.Actors;

namespace OpsClaw.Host;

/// <summary>
/// The <c>opsclaw.broker.storage</c> and <c>opsclaw.broker.streams</c> settings as HOCON, for
/// <c>opsclaw config show</c>: blocks of their own after the <c>opsclaw.broker</c> block, which HOCON
/// merges into it. Read back, they give the same settings, except a PostgreSQL password, which is hidden.
/// </summary>
internal static class BrokerStreamsHocon
{
    private const string Hidden = "***";

    /// <summary>Npgsql's names for the password; DbConnectionStringBuilder matches keys regardless of case.</summary>
    private static readonly string[] PasswordKeys = ["password", "pwd", "psw"];

    public static string Write(BrokerSettings broker)
    {
        var hocon = new StringBuilder();
        var storage = broker.Storage;
        hocon.Append(BrokerSettings.ConfigPath).Append(".storage {\n");
        Line(hocon, 1, "provider", storage.Provider == StorageProvider.PostgreSql ? "postgresql" : "sqlite");
        Line(hocon, 1, "sqlite-file", SettingValues.Quote(storage.SqliteFile));
        Line(hocon, 1, "connection-string", SettingValues.Quote(WithoutPassword(storage.ConnectionString)));
        hocon.Append("}\n");
        hocon.Append(BrokerSettings.ConfigPath).Append(".streams {\n");
        foreach (var stream in broker.Streams)
        {
            // Stream names are plain (A-Z a-z 0-9 _ -), so they need no quotes as keys.
            hocon.Append("  ").Append(stream.Name).Append(" {\n");
            Line(hocon, 2, "subjects", "[" + string.Join(", ", stream.Subjects.Select(SettingValues.Quote)) + "]");
            Line(hocon, 2, "max-messages", stream.MaxMessages is { } messages ? Number(messages) : "off");
            Line(hocon, 2, "max-bytes", stream.MaxBytes is { } bytes ? Number(bytes) : "off");
            Line(hocon, 2, "max-age", stream.MaxAge is { } age ? SettingValues.FormatDuration(age) : "off");
            hocon.Append("  }\n");
        }

        hocon.Append("}\n");
        return hocon.ToString();
    }

    /// <summary>
    /// The connection string with its password replaced: what config show prints is pasted into tickets
    /// and logs. One that cannot be parsed is hidden whole, since where its password is cannot be told.
    /// </summary>
    private static string WithoutPassword(string connectionString)
    {
        if (connectionString.Length == 0)
        {
            return connectionString;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            var found = false;
            foreach (var key in PasswordKeys.Where(builder.ContainsKey))
            {
                builder[key] = Hidden;
                found = true;
            }

            return found ? builder.ConnectionString : connectionString;
        }
        catch (ArgumentException)
        {
            return Hidden;
        }
    }

    private static void Line(StringBuilder hocon, int depth, string key, string value) =>
        hocon.Append(' ', depth * 2).Append(key).Append(" = ").Append(value).Append('\n');

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
