using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// How <c>opsclaw ipc serve-sockets</c> logs, run as a process: through Microsoft.Extensions.Logging,
/// each entry once under its actor's category, on stderr only, at the levels the environment and
/// --log-level set, in the simple or the JSON format; and how it words a refused start.
/// </summary>
public sealed class HostLoggingSpecs : IDisposable
{
    private const int SigTerm = 15;
    private const string ServingLine = "OpsClaw IPC is serving 2 channels in ";
    private const string RootCategory = "OpsClaw.Actors.Ipc.IpcRootActor";
    private readonly TempSocketDir _dir = new();

    public HostLoggingSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_log_entry_should_be_written_once_under_its_actors_category_on_stderr_and_stdout_keep_only_the_ready_line_at_debug()
    {
        var (ready, stdout, stderr) = await ServeAndStopAsync(new Dictionary<string, string>(), "--log-level", "debug");

        Assert.Equal([ready], stdout);
        var serving = Assert.Single(stderr, line => line.Contains(ServingLine, StringComparison.Ordinal));
        Assert.Matches($"^\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{{3}}Z info: {RootCategory}\\[0\\] => akka://opsclaw/user/ipc {ServingLine}", serving);

        // Akka's own events too: each written once, with its message alone (no second [DEBUG][date][thread] inside).
        Assert.Single(stderr, line => line.Contains("Performing phase [service-unbind]", StringComparison.Ordinal));
        Assert.Single(stderr, line => line.Contains("Logger log1-HostLoggerActor", StringComparison.Ordinal));
        Assert.Contains(stderr, line => line.Contains(" dbug: Akka.Actor.CoordinatedShutdown[0] ", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr, line => line.Contains("[DEBUG]", StringComparison.Ordinal) || line.Contains("Akka.Actor.ActorSystem[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_default_level_should_be_warning_and_Logging_LogLevel_in_the_environment_should_lower_one_category()
    {
        var quiet = await ServeAndStopAsync(new Dictionary<string, string>());
        var opened = await ServeAndStopAsync(new Dictionary<string, string> { ["Logging__LogLevel__OpsClaw.Actors.Ipc"] = "Information" });

        Assert.DoesNotContain(quiet.Stderr, line => line.Contains(ServingLine, StringComparison.Ordinal));
        Assert.Single(opened.Stderr, line => line.Contains($"info: {RootCategory}", StringComparison.Ordinal) && line.Contains(ServingLine, StringComparison.Ordinal));

        // Only that category: CoordinatedShutdown's information lines stay below the default warning.
        Assert.DoesNotContain(opened.Stderr, line => line.Contains("Akka.Actor.CoordinatedShutdown", StringComparison.Ordinal));
        Assert.Equal([opened.Ready], opened.Stdout);
    }

    [Fact]
    public async Task Log_format_json_should_write_every_stderr_line_as_one_json_object()
    {
        var (ready, stdout, stderr) = await ServeAndStopAsync(new Dictionary<string, string>(), "--log-format", "json", "--log-level", "debug");

        Assert.Equal([ready], stdout);
        var entries = stderr.Select(Parse).ToList();
        Assert.All(entries, entry => Assert.All(
            new[] { "Timestamp", "LogLevel", "Category", "Message" },
            field => Assert.Equal(JTokenType.String, entry[field]?.Type)));
        var serving = Assert.Single(entries, entry => ((string)entry["Message"]!).StartsWith(ServingLine, StringComparison.Ordinal));
        Assert.Equal((RootCategory, "Information", 2), ((string?)serving["Category"], (string?)serving["LogLevel"], (int?)serving["State"]?["ChannelCount"]));
        Assert.Equal("akka://opsclaw/user/ipc", (string?)serving["Scopes"]?[0]?["LogSource"]);
        Assert.Contains(entries, entry => (string?)entry["Category"] == "opsclaw" && ((string)entry["Message"]!).StartsWith("serving 2 channels", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_start_should_name_the_flag_on_the_command_line_in_one_line_in_either_format()
    {
        using var first = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await first.WaitForReadyAsync();

        var simple = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        var json = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--log-format", "json");

        var message = $"socket directory {_dir.SocketDir} is in use by another opsclaw host (pid {first.Pid}); stop it first or choose another socket directory (--dir)";
        Assert.Equal((2, ""), (simple.ExitCode, simple.Stdout));
        Assert.Equal("opsclaw: " + message, Assert.Single(simple.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal((2, ""), (json.ExitCode, json.Stdout));
        var line = Parse(Assert.Single(json.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(("Error", "opsclaw", message), ((string?)line["LogLevel"], (string?)line["Category"], (string?)line["Message"]));
    }

    [Fact]
    public async Task An_unknown_log_level_or_format_should_be_a_usage_error()
    {
        var level = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--log-level", "loud");
        var format = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--log-format", "xml");

        Assert.Equal(2, level.ExitCode);
        Assert.Contains("'loud'", level.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, format.ExitCode);
        Assert.Contains("'xml'", format.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.SocketDir));
    }

    /// <summary>One JSON line as written, timestamps left as text.</summary>
    private static JObject Parse(string line) =>
        JObject.Load(new Newtonsoft.Json.JsonTextReader(new StringReader(line)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None, MaxDepth = 32 });

    /// <summary>Serves until the root's serving entry could have been written, stops with SIGTERM, and returns every line.</summary>
    private async Task<(string Ready, List<string> Stdout, List<string> Stderr)> ServeAndStopAsync(IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        using var host = HostProcess.Start(_dir.Path, environment, ["ipc", "serve-sockets", "--dir", _dir.SocketDir, .. extra]);
        var ready = await host.WaitForReadyAsync();

        // The command's own line, written once the sockets serve; whatever was logged before is flushed by the exit.
        await host.WaitForStderrAsync(stderr => stderr.Contains("serving 2 channels in", StringComparison.Ordinal));
        host.Signal(SigTerm);

        Assert.Equal(0, await host.WaitForExitAsync());
        return (ready, [.. host.StdoutLines.Select(line => line.Line)], [.. host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
    }
}
