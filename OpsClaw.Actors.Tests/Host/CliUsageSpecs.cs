using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// The command line's own words (docs/api-reference.md, "Command line"): bad values refused as a
/// person would say it, <c>opsclaw help [command]</c>, and the [suggest] directive shell completion
/// uses, with the bash script of <c>opsclaw completion bash</c> run by bash itself.
/// </summary>
public sealed class CliUsageSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public CliUsageSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => HostProcess.RunAsync(_dir.Path, args);

    [Theory]
    [InlineData("send", "0", "--timeout-ms must be more than 0, not 0")]
    [InlineData("send", "-5", "--timeout-ms must be more than 0, not -5")]
    [InlineData("ping", "abc", "--timeout-ms takes a whole number of milliseconds (1 to 2147483647), not 'abc'")]
    [InlineData("status", "1.5", "--timeout-ms takes a whole number of milliseconds (1 to 2147483647), not '1.5'")]
    [InlineData("stop", "99999999999", "--timeout-ms takes a whole number of milliseconds (1 to 2147483647), not '99999999999'")]
    [InlineData("ipc send", "-1", "--timeout-ms must be more than 0, not -1")]
    public async Task A_timeout_that_is_not_a_positive_whole_number_should_be_refused_in_words(string command, string value, string message)
    {
        string[] words = command.Split(' ');
        string[] needed = command.EndsWith("send", StringComparison.Ordinal) ? ["--type", "runtime.ping"] : [];

        var result = await RunAsync([.. words, .. needed, "--dir", _dir.SocketDir, "--timeout-ms", value]);

        Assert.Equal((2, "", $"opsclaw: {message} (see 'opsclaw help {command}')"), result);
    }

    [Fact]
    public async Task Help_should_print_what_dash_dash_help_prints_for_every_command()
    {
        string[][] commands = [[], ["send"], ["status"], ["stop"], ["pub"], ["sub"], ["topics"], ["streams"], ["cluster"], ["ipc"], ["ipc", "serve-sockets"], ["completion"], ["help"]];
        foreach (var command in commands)
        {
            var help = await RunAsync(["help", .. command]);
            var dashDash = await RunAsync([.. command, "--help"]);

            Assert.Equal((0, ""), (help.ExitCode, help.Stderr));
            Assert.Equal(dashDash.Stdout, help.Stdout);
            Assert.Contains("Usage:", help.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--max-pending", "0", "--max-pending must be more than 0, not 0")]
    [InlineData("--max-pending", "65537", "--max-pending takes a whole number from 1 to 65536, not '65537'")]
    [InlineData("--count", "-3", "--count must be more than 0, not -3")]
    [InlineData("--count", "many", "--count takes a whole number from 1 to 2147483647, not 'many'")]
    public async Task A_count_of_sub_that_is_not_a_positive_whole_number_should_be_refused_in_words(string option, string value, string message)
    {
        var result = await RunAsync("sub", "runs.>", "--dir", _dir.SocketDir, option, value);

        Assert.Equal((2, "", $"opsclaw: {message} (see 'opsclaw help sub')"), result);
    }

    [Fact]
    public async Task Sub_should_take_only_the_ack_modes_of_the_protocol()
    {
        var result = await RunAsync("sub", "runs.>", "--dir", _dir.SocketDir, "--ack", "auto");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("opsclaw: Argument 'auto' not recognized. Must be one of:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_for_an_unknown_command_should_exit_2_listing_the_known_ones()
    {
        Assert.Equal(
            (2, "", "opsclaw: 'ipc nope' is not an opsclaw command; 'ipc' has: serve-sockets, send, status"),
            await RunAsync("help", "ipc", "nope"));
    }

    [Fact]
    public async Task A_parse_error_should_point_at_the_help_of_its_command()
    {
        var result = await RunAsync("ipc", "status", "--nope");

        Assert.Equal((2, "", "opsclaw: Unrecognized command or argument '--nope'. (see 'opsclaw help ipc status')"), result);
    }

    [Fact]
    public async Task The_suggest_directive_should_list_commands_and_options_that_fit()
    {
        // The directive also offers names that contain the text after those that start with it; bash's compgen keeps only the latter.
        Assert.Equal(["status", "stop", "streams", "cluster"], await SuggestAsync("opsclaw st"));
        Assert.Equal(["sub"], await SuggestAsync("opsclaw su"));
        Assert.Equal(["topics"], await SuggestAsync("opsclaw topi"));
        Assert.Equal(["streams"], await SuggestAsync("opsclaw stre"));
        Assert.Equal(["cluster"], await SuggestAsync("opsclaw clu"));
        Assert.Equal(
            ["--ack", "--count", "--dir", "--durable", "--group", "--help", "--max-pending", "--socket", "--start", "--stream", "--timeout-ms"],
            await SuggestAsync("opsclaw sub 'runs.>' --"));
        Assert.Equal(["all", "new"], await SuggestAsync("opsclaw sub --stream s --durable d --start "));
        Assert.Equal(["explicit", "none"], await SuggestAsync("opsclaw sub 'runs.>' --ack "));
        Assert.Equal(["--channel", "--dir", "--help", "--payload", "--run-id", "--socket", "--timeout-ms", "--type"], await SuggestAsync("opsclaw send --"));
    }

    [Fact]
    public async Task The_bash_completion_script_should_complete_through_the_executable()
    {
        var script = await RunAsync("completion", "bash");
        Assert.Equal((0, ""), (script.ExitCode, script.Stderr));
        var scriptFile = Path.Combine(_dir.Path, "opsclaw.bash");
        await File.WriteAllTextAsync(scriptFile, script.Stdout);

        // What bash sets before it calls a completion function, for "opsclaw ipc s<TAB>" typed with the executable's path.
        var line = $"{HostProcess.ExecutablePath} ipc s";
        var bash = await HostProcess.RunAsync(
            _dir.Path,
            "/bin/bash", "-c",
            $"source {scriptFile}; COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=('{HostProcess.ExecutablePath}' ipc s); COMP_CWORD=2; " +
            "_opsclaw_complete; printf '%s\\n' \"${COMPREPLY[@]}\"; complete -p opsclaw");

        Assert.Equal(
            (0, "send\nserve-sockets\nstatus\ncomplete -o default -F _opsclaw_complete opsclaw", ""),
            bash);
    }

    [Fact]
    public async Task Completion_for_a_shell_it_does_not_know_should_exit_2()
    {
        var result = await RunAsync("completion", "tcsh");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("opsclaw: Argument 'tcsh' not recognized. Must be one of:", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<string[]> SuggestAsync(string line)
    {
        var result = await RunAsync($"[suggest:{line.Length}]", line);
        Assert.Equal(0, result.ExitCode);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
