using Akka.Configuration;

namespace OpsClaw.Actors.Tests.Settings;

/// <summary><c>opsclaw.broker.storage</c> and <c>opsclaw.broker.streams</c> are checked like every other setting: each problem named, none silently ignored.</summary>
public sealed class StreamSettingsSpecs
{
    private static (IpcSettings? Settings, string[] Problems) Read(string hocon)
    {
        var (settings, problems) = IpcSettingsReader.Read(ConfigurationFactory.ParseString(hocon));
        return (settings, [.. problems]);
    }

    [Fact]
    public void Declared_streams_and_storage_should_read_as_written()
    {
        var (settings, problems) = Read("""
            opsclaw.broker.storage { provider = postgresql, connection-string = "Host=/run/pg;Database=o" }
            opsclaw.broker.streams {
              orders { subjects = ["orders.>", "returns.*"], max-messages = 1000, max-bytes = 1048576, max-age = 7d }
              audit { subjects = ["audit"], max-age = off }
            }
            """);

        Assert.Empty(problems);
        var broker = settings!.Broker;
        Assert.Equal(new StorageSettings(StorageProvider.PostgreSql, StorageSettings.Default.SqliteFile, "Host=/run/pg;Database=o"), broker.Storage);
        Assert.Equal(["audit", "orders"], broker.Streams.Select(stream => stream.Name));
        var orders = broker.Streams[1];
        Assert.Equal(["orders.>", "returns.*"], orders.Subjects);
        Assert.Equal((1000L, 1048576L, TimeSpan.FromDays(7)), (orders.MaxMessages!.Value, orders.MaxBytes!.Value, orders.MaxAge!.Value));
        Assert.Equal((null, null, null), (broker.Streams[0].MaxMessages, broker.Streams[0].MaxBytes, broker.Streams[0].MaxAge));
    }

    [Fact]
    public void No_stream_should_be_declared_by_default_and_storage_should_be_sqlite()
    {
        var (settings, _) = Read("");

        Assert.Empty(settings!.Broker.Streams);
        Assert.Equal(StorageSettings.Default, settings.Broker.Storage);
    }

    [Theory]
    [InlineData("opsclaw.broker.storage.provider = mysql", "opsclaw.broker.storage.provider = mysql: must be sqlite or postgresql")]
    [InlineData("opsclaw.broker.storage.provider = postgresql",
        "opsclaw.broker.storage.connection-string is empty; provider = postgresql needs one, such as \"Host=/var/run/postgresql;Database=opsclaw;Username=opsclaw\"")]
    [InlineData("opsclaw.broker.storage.sqlite-file = \"\"", "opsclaw.broker.storage.sqlite-file = \"\": must be a file path (not empty)")]
    [InlineData("opsclaw.broker.storage.sqlite-fil = x", "opsclaw.broker.storage.sqlite-fil: unknown setting; did you mean opsclaw.broker.storage.sqlite-file?")]
    [InlineData("opsclaw.broker.streams.orders { }", "opsclaw.broker.streams.orders.subjects has no value; it must be a list of one or more topic patterns, such as [\"orders.>\"]")]
    [InlineData("opsclaw.broker.streams.orders { subjects = [] }", "opsclaw.broker.streams.orders.subjects has no value; it must be a list of one or more topic patterns, such as [\"orders.>\"]")]
    [InlineData("opsclaw.broker.streams.orders = 5", "opsclaw.broker.streams.orders = 5: must be a block of settings, { … }")]
    [InlineData("opsclaw.broker.streams.orders { subjects = [\"orders..x\"] }",
        "opsclaw.broker.streams.orders.subjects: orders..x is not a topic pattern (field 'subjects' has an empty token (token 2 of 'orders..x'); tokens are separated by single dots, with none at either end)")]
    [InlineData("opsclaw.broker.streams.orders { subjects = [\"o\"], max-messages = 0 }", "opsclaw.broker.streams.orders.max-messages = 0: must be off or a whole number from 1")]
    [InlineData("opsclaw.broker.streams.orders { subjects = [\"o\"], max-age = soon }",
        "opsclaw.broker.streams.orders.max-age = soon: must be off or a duration from 1ms to 24d, such as 30s, 500ms or 2m")]
    [InlineData("opsclaw.broker.streams.orders { subjects = [\"o\"], max-mesages = 5 }",
        "opsclaw.broker.streams.orders.max-mesages: unknown setting; did you mean opsclaw.broker.streams.orders.max-messages?")]
    [InlineData("opsclaw.broker.streams.\"or.ders\" { subjects = [\"o\"] }",
        "opsclaw.broker.streams.or.ders: a stream name is 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'")]
    [InlineData("opsclaw.broker.streams { a { subjects = [\"orders.*\"] }\n b { subjects = [\"x\", \"orders.>\"] } }",
        "opsclaw.broker.streams.b.subjects: 'orders.>' overlaps 'orders.*' of stream 'a'; a topic may be stored in one stream only")]
    public void A_bad_stream_or_storage_setting_should_be_one_problem_naming_it(string hocon, string problem)
    {
        var (settings, problems) = Read(hocon);

        Assert.Null(settings);
        Assert.Equal([problem], problems);
    }
}
