using Akka.Configuration;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw config show</c> with <c>opsclaw.broker.storage</c> and declared streams: printed as HOCON that
/// reads back as the same settings, the PostgreSQL password hidden.
/// </summary>
public sealed class ConfigShowStreamsSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public ConfigShowStreamsSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Show_should_print_the_storage_and_every_stream_so_that_they_read_back_the_same()
    {
        var config = await WriteConfigAsync(
            "opsclaw.broker.storage.sqlite-file = \"/var/lib/opsclaw/broker.db\"\n" +
            "opsclaw.broker.streams.orders { subjects = [\"orders.>\", \"refunds.*\"], max-messages = 1000000, max-age = 7d }\n" +
            "opsclaw.broker.streams.audit { subjects = [\"audit.>\"], max-bytes = 1073741824 }\n");

        var result = await HostProcess.RunAsync(_dir.Path, "config", "show", "--config", config);

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var shown = IpcSettings.Create(ConfigurationFactory.ParseString(result.Stdout)).Broker;
        var given = IpcSettings.Create(ConfigurationFactory.ParseString(await File.ReadAllTextAsync(config))).Broker;
        Assert.Equal(given.Storage, shown.Storage);
        Assert.Equal(
            given.Streams.Select(stream => (stream.Name, string.Join(' ', stream.Subjects), stream.MaxMessages, stream.MaxBytes, stream.MaxAge)),
            shown.Streams.Select(stream => (stream.Name, string.Join(' ', stream.Subjects), stream.MaxMessages, stream.MaxBytes, stream.MaxAge)));
        Assert.Contains("\n  orders {\n    subjects = [\"orders.>\", \"refunds.*\"]\n    max-messages = 1000000\n    max-bytes = off\n    max-age = 7d\n  }\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_should_print_the_default_storage_and_no_streams_when_none_is_declared()
    {
        var result = await HostProcess.RunAsync(_dir.Path, "config", "show");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            "opsclaw.broker.storage {\n  provider = sqlite\n  sqlite-file = \".opsclaw/state/broker.db\"\n  connection-string = \"\"\n}\nopsclaw.broker.streams {\n}\n",
            result.Stdout,
            StringComparison.Ordinal);
        Assert.Empty(IpcSettings.Create(ConfigurationFactory.ParseString(result.Stdout)).Broker.Streams);
    }

    [Theory]
    [InlineData("Host=/run/pg;Database=oc;Username=oc;Password=hunter2", "host=/run/pg;database=oc;username=oc;password=***")]
    [InlineData("Host=db;PWD=hunter2", "host=db;pwd=***")]
    [InlineData("Host=db;Username=oc", "Host=db;Username=oc")]
    [InlineData("Host=db;Password=a;b", "***")]
    public async Task Show_should_hide_the_password_of_a_connection_string(string connectionString, string shown)
    {
        var config = await WriteConfigAsync($"opsclaw.broker.storage {{ provider = postgresql, connection-string = \"{connectionString}\" }}\n");

        var result = await HostProcess.RunAsync(_dir.Path, "config", "show", "--config", config);

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Contains($"\n  connection-string = \"{shown}\"\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Stdout, StringComparison.Ordinal);
    }

    private async Task<string> WriteConfigAsync(string text)
    {
        var path = Path.Combine(_dir.Path, "opsclaw.conf");
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
