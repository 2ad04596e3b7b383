using Akka.Configuration;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw config check</c> and <c>config show</c>, the real executable: a configuration judged
/// whole without starting a host, and the settings a host would run with.
/// </summary>
public sealed class ConfigCommandSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public ConfigCommandSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Check_should_exit_0_with_one_line_for_a_good_configuration()
    {
        var config = await WriteConfigAsync("opsclaw.ipc {\n  request-timeout = 5s\n  channels.control.allowed-uids = [1001]\n}\n");

        var result = await HostProcess.RunAsync(_dir.Path, "config", "check", "--config", config);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"configuration ok: {config}", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.False(Directory.Exists(_dir.SocketDir));
    }

    [Fact]
    public async Task Check_should_exit_2_with_every_problem_on_its_own_line_and_no_stack_trace()
    {
        var config = await WriteConfigAsync("""
            opsclaw.ipc {
              request-timeout = banana
              max-line-byte = 4096
              channels.runtime.allowed-uids = ["bob"]
            }
            """);

        var result = await HostProcess.RunAsync(_dir.Path, "config", "check", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(
            [
                "opsclaw: invalid configuration: opsclaw.ipc.request-timeout = banana: must be a duration from 1ms to 24d, such as 30s, 500ms or 2m",
                "opsclaw: invalid configuration: opsclaw.ipc.channels.runtime.allowed-uids = [bob]: must be a list of uids such as [1001, 1002], each a whole number from 0 to 4294967294 (bob is not)",
                "opsclaw: invalid configuration: opsclaw.ipc.max-line-byte: unknown setting; did you mean opsclaw.ipc.max-line-bytes?",
            ],
            result.Stderr.Split('\n'));
    }

    [Theory]
    [InlineData("opsclaw.ipc {\n  max-line-bytes = 4096\n", "line 1: the '{' opened here is never closed (is the file cut short?)")]
    [InlineData("opsclaw.ipc.socket-dir = \"/run/opscl", "line 1: a quoted string is not closed on its line")]
    [InlineData("opsclaw.ipc.max-line-bytes = ${nowhere}\n", "Unresolved substitution: nowhere")]
    public async Task Check_should_exit_2_naming_the_file_and_line_of_a_text_that_is_cut_short_or_broken(string text, string problem)
    {
        var config = await WriteConfigAsync(text);

        var result = await HostProcess.RunAsync(_dir.Path, "config", "check", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"opsclaw: invalid configuration: {config}: {problem}", result.Stderr);
    }

    [Fact]
    public async Task Check_should_exit_2_for_a_config_file_that_does_not_exist()
    {
        var missing = Path.Combine(_dir.Path, "missing.conf");

        var result = await HostProcess.RunAsync(_dir.Path, "config", "check", "--config", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"opsclaw: invalid configuration: config file {missing} does not exist", result.Stderr);
    }

    [Fact]
    public async Task Show_should_print_every_effective_setting_as_hocon_with_the_flags_over_the_file()
    {
        var config = await WriteConfigAsync("opsclaw.ipc {\n  socket-dir = \"/from/the/file\"\n  request-timeout = 1500ms\n  channels.control.allowed-uids = [1001]\n}\n");

        var result = await HostProcess.RunAsync(_dir.Path, "config", "show", "--config", config, "--dir", _dir.SocketDir);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var shown = ConfigurationFactory.ParseString(result.Stdout);
        var settings = IpcSettings.Create(shown);
        Assert.Equal(_dir.SocketDir, settings.SocketDirectory);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.RequestTimeout);
        Assert.Equal([1001u], settings.ForChannel("control").AllowedUids.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(30), shown.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout"));

        // Every key of the defaults is printed, so nothing the host runs with is left unsaid.
        var ipc = shown.GetConfig(IpcSettings.ConfigPath);
        Assert.All(IpcSettingsReader.KnownKeys, key => Assert.True(ipc.HasPath(key), $"config show printed no {key}"));
        Assert.Contains("\n  max-line-bytes = 1048576\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_should_exit_2_with_the_problems_of_a_bad_configuration()
    {
        var config = await WriteConfigAsync("opsclaw.ipc.max-connections = lots\n");

        var result = await HostProcess.RunAsync(_dir.Path, "config", "show", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("opsclaw: invalid configuration: opsclaw.ipc.max-connections = lots: must be a whole number from 1 to 2147483647", result.Stderr);
    }

    private async Task<string> WriteConfigAsync(string text)
    {
        var path = Path.Combine(_dir.Path, "opsclaw.conf");
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
