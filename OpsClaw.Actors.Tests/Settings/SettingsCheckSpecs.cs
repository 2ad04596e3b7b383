using Akka.Actor;
using Akka.Configuration;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Actors.Tests.Settings;

/// <summary>
/// The settings check (<see cref="IpcSettingsReader"/>): every setting under <c>opsclaw</c> judged at
/// once, each problem naming the key, the value and what is allowed.
/// </summary>
public sealed class SettingsCheckSpecs
{
    private const string Duration = "must be a duration from 1ms to 24d, such as 30s, 500ms or 2m";
    private const string Int = "must be a whole number from 1 to 2147483647";
    private const string Mode = "must be an octal file mode such as \"0660\" (1 to 4 digits 0-7)";
    private const string OnOff = "must be on or off (true/false and yes/no also work)";
    private const string Uids = "must be a list of uids such as [1001, 1002], each a whole number from 0 to 4294967294";

    [Fact]
    public void The_embedded_defaults_should_have_no_problem_and_every_known_key()
    {
        var (settings, problems) = IpcSettingsReader.Read(Config.Empty, ["runtime", "control"]);

        Assert.Empty(problems);
        Assert.NotNull(settings);
        var ipc = IpcDefaults.Config.GetConfig(IpcSettings.ConfigPath);
        Assert.All(IpcSettingsReader.KnownKeys, key => Assert.True(ipc.HasPath(key), $"hocon/opsclaw.conf has no {key}"));
        Assert.All(IpcSettingsReader.KnownChannelKeys, key => Assert.True(ipc.HasPath("default-channel." + key), $"hocon/opsclaw.conf has no default-channel.{key}"));
    }

    [Theory]
    [InlineData("request-timeout = banana", "opsclaw.ipc.request-timeout = banana: " + Duration)]
    [InlineData("request-timeout = 0s", "opsclaw.ipc.request-timeout = 0s: " + Duration)]
    [InlineData("request-timeout = 25d", "opsclaw.ipc.request-timeout = 25d: " + Duration)]
    [InlineData("request-timeout = 10 parsecs", "opsclaw.ipc.request-timeout = \"10 parsecs\": " + Duration)]
    [InlineData("shutdown-drain-timeout = -1s", "opsclaw.ipc.shutdown-drain-timeout = -1s: " + Duration)]
    [InlineData("files-check-interval = [5s]", "opsclaw.ipc.files-check-interval = [5s]: " + Duration)]
    [InlineData("idle-timeout = sometimes", "opsclaw.ipc.idle-timeout = sometimes: must be off or a duration from 1ms to 24d, such as 30s, 500ms or 2m")]
    [InlineData("max-line-bytes = 1.5", "opsclaw.ipc.max-line-bytes = 1.5: " + Int)]
    [InlineData("max-line-bytes = 0", "opsclaw.ipc.max-line-bytes = 0: " + Int)]
    [InlineData("max-connections = 2147483648", "opsclaw.ipc.max-connections = 2147483648: " + Int)]
    [InlineData("max-in-flight = \"ten\"", "opsclaw.ipc.max-in-flight = ten: " + Int)]
    [InlineData("max-json-depth { a = 1 }", "opsclaw.ipc.max-json-depth = { … }: " + Int)]
    [InlineData("max-json-depth = null", "opsclaw.ipc.max-json-depth has no value; it " + Int)]
    [InlineData("max-buffered-bytes = 1e9", "opsclaw.ipc.max-buffered-bytes = 1e9: must be a whole number from 1 to 9223372036854775807")]
    [InlineData("socket-dir = \"\"", "opsclaw.ipc.socket-dir = \"\": must be a directory path (not empty)")]
    [InlineData("socket-dir = [a, b]", "opsclaw.ipc.socket-dir = [a, b]: must be a directory path (not empty)")]
    [InlineData("channels.runtime.socket-mode = \"0999\"", "opsclaw.ipc.channels.runtime.socket-mode = 0999: " + Mode)]
    [InlineData("channels.runtime.socket-mode = \"06600\"", "opsclaw.ipc.channels.runtime.socket-mode = 06600: " + Mode)]
    [InlineData("channels.control.allow-any-uid = maybe", "opsclaw.ipc.channels.control.allow-any-uid = maybe: " + OnOff)]
    [InlineData("channels.control.allow-any-uid = ON", "opsclaw.ipc.channels.control.allow-any-uid = ON: " + OnOff)]
    [InlineData("channels.control.allowed-uids = [\"bob\"]", "opsclaw.ipc.channels.control.allowed-uids = [bob]: " + Uids + " (bob is not)")]
    [InlineData("channels.control.allowed-uids = [1001, -1]", "opsclaw.ipc.channels.control.allowed-uids = [1001, -1]: " + Uids + " (-1 is not)")]
    [InlineData("channels.control.allowed-uids = [4294967295]", "opsclaw.ipc.channels.control.allowed-uids = [4294967295]: " + Uids + " (4294967295 is not)")]
    [InlineData("channels.control.allowed-uids = 1001", "opsclaw.ipc.channels.control.allowed-uids = 1001: " + Uids)]
    [InlineData("channels.control = on", "opsclaw.ipc.channels.control = on: must be a block of settings, { … }")]
    [InlineData("channels = []", "opsclaw.ipc.channels = []: must be a block of settings, { … }")]
    public void A_bad_value_should_be_one_problem_naming_the_key_the_value_and_what_is_allowed(string setting, string problem)
    {
        var (settings, problems) = Read("opsclaw.ipc." + setting);

        Assert.Null(settings);
        Assert.Equal([problem], problems);
    }

    [Theory]
    [InlineData("opsclaw.ipc.max-line-byte = 5", "opsclaw.ipc.max-line-byte: unknown setting; did you mean opsclaw.ipc.max-line-bytes?")]
    [InlineData("opsclaw.ipc.request_timeout = 5s", "opsclaw.ipc.request_timeout: unknown setting; did you mean opsclaw.ipc.request-timeout?")]
    [InlineData("opsclaw.ipc.Idle-Timeout = 5s", "opsclaw.ipc.Idle-Timeout: unknown setting; did you mean opsclaw.ipc.idle-timeout?")]
    [InlineData("opsclaw.ipc.max-line = 5", "opsclaw.ipc.max-line: unknown setting; did you mean opsclaw.ipc.max-line-bytes?")]
    [InlineData("opsclaw.ipc.channel.runtime.socket-mode = \"0600\"", "opsclaw.ipc.channel: unknown setting; did you mean opsclaw.ipc.channels?")]
    [InlineData("opsclaw.ipc.channels.runtime.socketmode = \"0600\"", "opsclaw.ipc.channels.runtime.socketmode: unknown setting; did you mean opsclaw.ipc.channels.runtime.socket-mode?")]
    [InlineData("opsclaw.ipc.default-channel.allowed-uid = [1]", "opsclaw.ipc.default-channel.allowed-uid: unknown setting; did you mean opsclaw.ipc.default-channel.allowed-uids?")]
    [InlineData("opsclaw.icp.socket-dir = x", "opsclaw.icp: unknown setting; did you mean opsclaw.ipc?")]
    [InlineData("opsclaw.logging = x", "opsclaw.logging: unknown setting (the settings of opsclaw are ipc, broker, cluster)")]
    public void An_unknown_key_should_be_a_problem_with_the_nearest_known_one(string hocon, string problem)
    {
        var (_, problems) = Read(hocon);

        Assert.Equal([problem], problems);
    }

    [Fact]
    public void An_unknown_key_with_no_near_match_should_list_the_known_ones()
    {
        var (_, problems) = Read("opsclaw.ipc.colour = blue");

        var problem = Assert.Single(problems);
        Assert.StartsWith("opsclaw.ipc.colour: unknown setting (the settings of opsclaw.ipc are socket-dir, max-line-bytes, ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_should_be_reported_at_once()
    {
        var (settings, problems) = Read("""
            opsclaw.ipc {
              max-line-byte = 5
              request-timeout = banana
              max-connections = 0
              channels.runtime.allowed-uids = ["bob"]
            }
            """);

        Assert.Null(settings);
        Assert.Equal(
            [
                "opsclaw.ipc.max-connections = 0: " + Int,
                "opsclaw.ipc.request-timeout = banana: " + Duration,
                "opsclaw.ipc.channels.runtime.allowed-uids = [bob]: " + Uids + " (bob is not)",
                "opsclaw.ipc.max-line-byte: unknown setting; did you mean opsclaw.ipc.max-line-bytes?",
            ],
            problems);
    }

    [Fact]
    public void Create_should_throw_one_exception_listing_every_problem()
    {
        var config = ConfigurationFactory.ParseString("opsclaw.ipc { request-timeout = banana, max-line-bytes = -1 }");

        var refused = Assert.Throws<IpcSettingsException>(() => IpcSettings.Create(config));

        Assert.Equal(2, refused.Problems.Count);
        Assert.IsAssignableFrom<ConfigurationException>(refused);
        Assert.Equal(
            "invalid OpsClaw settings (2 problems):\n  opsclaw.ipc.max-line-bytes = -1: " + Int + "\n  opsclaw.ipc.request-timeout = banana: " + Duration,
            refused.Message);
    }

    [Fact]
    public void Options_set_in_code_should_be_judged_by_the_same_rules_and_named_by_their_settings()
    {
        var options = new OpsClawIpcOptions { MaxLineBytes = 0, SocketDirectory = "" };
        options.Channel("control").SocketMode = "rw-------";

        var refused = Assert.Throws<IpcSettingsException>(() => IpcSettings.Create(options.ToConfig()));

        Assert.Equal(
            [
                "opsclaw.ipc.socket-dir = \"\": must be a directory path (not empty)",
                "opsclaw.ipc.max-line-bytes = 0: " + Int,
                "opsclaw.ipc.channels.control.socket-mode = rw-------: " + Mode,
            ],
            [.. refused.Problems]);
    }

    [Theory]
    [InlineData("1500", 1500)]
    [InlineData("30s", 30_000)]
    [InlineData("30 s", 30_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2 minutes", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1000000us", 1000)]
    [InlineData("24d", 2_073_600_000)]
    public void Durations_should_take_a_number_with_any_hocon_unit(string text, long milliseconds)
    {
        var settings = IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.request-timeout = {text}"));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), settings.RequestTimeout);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("0s")]
    public void Idle_timeout_should_be_off_when_off_or_zero(string text)
    {
        var settings = IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.idle-timeout = {text}"));

        Assert.Null(settings.IdleTimeout);
    }

    [Fact]
    public void A_bad_default_channel_value_should_be_one_problem_however_many_channels_inherit_it()
    {
        var (_, problems) = Read(
            "opsclaw.ipc.default-channel.allow-any-uid = maybe\nopsclaw.ipc.channels.a.socket-mode = \"0600\"\nopsclaw.ipc.channels.b.socket-mode = \"0600\"",
            ["runtime", "control", "a", "b"]);

        Assert.Equal(["opsclaw.ipc.default-channel.allow-any-uid = maybe: " + OnOff], problems);
    }

    [Fact]
    public void A_block_for_a_channel_that_is_not_served_should_be_a_problem_with_the_nearest_served_name()
    {
        var (_, problems) = Read(
            "opsclaw.ipc.channels {\n contrl { allow-any-uid = on }\n echo { allow-any-uid = on }\n runtime { allow-any-uid = off }\n}",
            ["runtime", "control"]);

        Assert.Equal(
            [
                "opsclaw.ipc.channels.contrl: no channel named 'contrl' is served; did you mean 'control'?",
                "opsclaw.ipc.channels.echo: no channel named 'echo' is served (served: runtime, control)",
            ],
            problems);
    }

    [Fact]
    public void A_block_for_a_built_in_channel_should_never_be_a_problem_even_when_only_custom_channels_are_served()
    {
        var (settings, problems) = Read("opsclaw.ipc.channels.runtime.allow-any-uid = off", ["echo"]);

        Assert.Empty(problems);
        Assert.False(settings!.ForChannel("runtime").AllowAnyUid);
    }

    [Fact]
    public async Task Start_should_refuse_a_block_for_a_channel_it_does_not_serve()
    {
        using var system = ActorSystem.Create("unserved", IpcDefaults.Config);
        var settings = IpcSettings.Create(ConfigurationFactory.ParseString("opsclaw.ipc.channels.runtme.allow-any-uid = off"));

        var refused = await Assert.ThrowsAsync<IpcStartupException>(() => OpsClawIpc.Get(system).Start(settings));

        Assert.Equal("opsclaw.ipc.channels.runtme: no channel named 'runtme' is served; did you mean 'runtime'?", refused.Message);
    }

    [Fact]
    public void Settings_written_as_hocon_should_read_back_as_the_same_settings()
    {
        var original = IpcSettings.Create(ConfigurationFactory.ParseString("""
            opsclaw.ipc {
              socket-dir = "/run/with space/and.dots"
              request-timeout = 1.5s
              idle-timeout = 90m
              max-buffered-bytes = 9000000000
              channels."my.channel" { socket-mode = "0640", allow-any-uid = off, allowed-uids = [1001, 4294967294] }
            }
            """));

        var written = IpcSettingsHocon.Write(original);
        var reread = IpcSettings.Create(ConfigurationFactory.ParseString(written));

        Assert.Equal(written, IpcSettingsHocon.Write(reread));
        Assert.Equal(original.SocketDirectory, reread.SocketDirectory);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), reread.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(90), reread.IdleTimeout);
        Assert.Equal(9_000_000_000, reread.MaxBufferedBytes);
        Assert.Equal([1001u, 4294967294u], reread.ForChannel("my.channel").AllowedUids.ToArray());
        Assert.Contains("  request-timeout = 1500ms\n", written, StringComparison.Ordinal);
        Assert.Contains("    \"my.channel\" {\n", written, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max-line-byte", "max-line-bytes", 1)]
    [InlineData("request_timeout", "request-timeout", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("icp", "ipc", 1)]
    [InlineData("", "abc", 3)]
    public void Edit_distance_should_count_single_character_edits(string a, string b, int distance)
    {
        Assert.Equal(distance, KeySuggestion.Distance(a, b));
        Assert.Equal(distance, KeySuggestion.Distance(b, a));
    }

    private static (IpcSettings? Settings, string[] Problems) Read(string hocon, IReadOnlyCollection<string>? served = null)
    {
        var (settings, problems) = IpcSettingsReader.Read(ConfigurationFactory.ParseString(hocon), served);
        return (settings, [.. problems]);
    }
}
