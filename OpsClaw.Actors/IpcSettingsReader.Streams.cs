using System.Buffers;
using Akka.Configuration.Hocon;

namespace OpsClaw.Actors;

/// <summary>The <c>opsclaw.broker.storage</c> and <c>opsclaw.broker.streams</c> blocks (docs/broker.md, "Streams").</summary>
internal sealed partial class IpcSettingsReader
{
    private const string StoragePath = BrokerPath + ".storage";
    private const string StreamsPath = BrokerPath + ".streams";

    private static readonly string[] StorageKeys = ["provider", "sqlite-file", "connection-string"];

    private static readonly string[] StreamKeys = ["subjects", "max-messages", "max-bytes", "max-age"];

    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    /// <summary>The keys under <c>opsclaw.broker.storage</c>.</summary>
    public static IReadOnlyList<string> KnownStorageKeys => StorageKeys;

    /// <summary>The keys of one stream's block.</summary>
    public static IReadOnlyList<string> KnownStreamKeys => StreamKeys;

    /// <summary>Whether <paramref name="name"/> is 1 to <paramref name="maxLength"/> characters of <c>A–Z a–z 0–9 _ -</c>: stream and durable consumer names.</summary>
    public static bool IsPlainName(string name, int maxLength) =>
        name.Length is > 0 && name.Length <= maxLength && name.AsSpan().IndexOfAnyExcept(NameChars) < 0;

    private StorageSettings? ReadStorage(HoconObject broker)
    {
        if (Block(StoragePath, broker.Items.GetValueOrDefault("storage")) is not { } storage)
        {
            return null;
        }

        const string ProviderExpected = "must be sqlite or postgresql";
        var providerKey = StoragePath + ".provider";
        var providerValue = storage.Items.GetValueOrDefault("provider");
        var provider = Text(providerKey, providerValue, ProviderExpected)?.ToLowerInvariant() switch
        {
            null => StorageProvider.Sqlite,
            "sqlite" => StorageProvider.Sqlite,
            "postgresql" or "postgres" => StorageProvider.PostgreSql,
            _ => Bad(providerKey, providerValue, ProviderExpected, StorageProvider.Sqlite),
        };

        var fileKey = StoragePath + ".sqlite-file";
        var fileValue = storage.Items.GetValueOrDefault("sqlite-file");
        const string FileExpected = "must be a file path (not empty)";
        var file = Text(fileKey, fileValue, FileExpected) is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : Bad(fileKey, fileValue, FileExpected, "");

        var connectionKey = StoragePath + ".connection-string";
        var connectionValue = storage.Items.GetValueOrDefault("connection-string");
        var connection = Text(connectionKey, connectionValue, "must be a connection string") ?? "";
        if (provider == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(connection))
        {
            _problems.Add($"{connectionKey} is empty; provider = postgresql needs one, such as \"Host=/var/run/postgresql;Database=opsclaw;Username=opsclaw\"");
        }

        Unknown(StoragePath, storage, StorageKeys);
        return new StorageSettings(provider, file, connection);
    }

    private IReadOnlyList<StreamSettings> ReadStreams(HoconObject broker)
    {
        // An empty block reads as no value at all in HOCON: no streams.
        var value = broker.Items.GetValueOrDefault("streams");
        if (value is null || value.IsEmpty || Block(StreamsPath, value) is not { } blocks)
        {
            return [];
        }

        var streams = new List<StreamSettings>();
        foreach (var (name, block) in blocks.Items.OrderBy(item => item.Key, StringComparer.Ordinal))
        {
            var key = $"{StreamsPath}.{name}";
            if (!IsPlainName(name, StreamSettings.MaxNameLength))
            {
                _problems.Add($"{key}: a stream name is 1 to {StreamSettings.MaxNameLength} characters of A-Z, a-z, 0-9, '_' and '-'");
                continue;
            }

            // An empty block reads as no value at all in HOCON: it is a stream with no subjects.
            var settings = block.IsEmpty ? new HoconObject() : Block(key, block);
            if (settings is null)
            {
                continue;
            }

            var subjects = Subjects(key, settings);
            var maxMessages = OptionalWhole(settings, "max-messages", key);
            var maxBytes = OptionalWhole(settings, "max-bytes", key);
            var maxAge = settings.Items.ContainsKey("max-age") ? OptionalDuration(settings, "max-age", key) : null;
            Unknown(key, settings, StreamKeys);
            if (subjects is not null)
            {
                streams.Add(new StreamSettings(name, subjects, maxMessages, maxBytes, maxAge));
            }
        }

        CheckOverlaps(streams);
        return streams;
    }

    private List<string>? Subjects(string key, HoconObject block)
    {
        const string Expected = "must be a list of one or more topic patterns, such as [\"orders.>\"]";
        var subjectsKey = key + ".subjects";
        var value = block.Items.GetValueOrDefault("subjects");
        if (value is null || KindOf(value) != Kind.List || value.GetArray().Count == 0)
        {
            return Bad(subjectsKey, value, Expected, (List<string>?)null);
        }

        var subjects = new List<string>();
        foreach (var element in value.GetArray())
        {
            var text = KindOf(element) == Kind.Text ? element.GetString() ?? "" : "";
            if (TopicSyntax.CheckPattern(text, "subjects") is { } problem)
            {
                _problems.Add($"{subjectsKey}: {ShowValue(element)} is not a topic pattern ({problem})");
                return null;
            }

            subjects.Add(text);
        }

        return subjects;
    }

    /// <summary>off (or a missing key) is no limit; otherwise a whole number from 1.</summary>
    private long? OptionalWhole(HoconObject block, string name, string under)
    {
        if (!block.Items.TryGetValue(name, out var value))
        {
            return null;
        }

        var key = $"{under}.{name}";
        const string Expected = "must be off or a whole number from 1";
        if (Text(key, value, Expected) is not { } text)
        {
            return null;
        }

        if (SettingValues.TryBoolean(text, out var on) && !on)
        {
            return null;
        }

        return SettingValues.TryWholeNumber(text, out var number) && number >= 1 ? number : Bad(key, value, Expected, (long?)null);
    }

    /// <summary>A topic is stored in one stream at most, so no two streams' subjects may match a topic in common.</summary>
    private void CheckOverlaps(List<StreamSettings> streams)
    {
        for (var i = 0; i < streams.Count; i++)
        {
            for (var j = i + 1; j < streams.Count; j++)
            {
                foreach (var a in streams[i].Subjects)
                {
                    foreach (var b in streams[j].Subjects.Where(b => TopicSyntax.Overlap(a, b)))
                    {
                        _problems.Add(
                            $"{StreamsPath}.{streams[j].Name}.subjects: '{b}' overlaps '{a}' of stream '{streams[i].Name}'; a topic may be stored in one stream only");
                    }
                }
            }
        }
    }
}
