using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw sub</c>'s stream options refused in words before anything is sent (docs/api-reference.md,
/// "Command line"): no host runs, so each refusal is the parser's, exit 2.
/// </summary>
public sealed class CliStreamUsageSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public CliStreamUsageSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("sub needs a topic pattern (or --stream, which reads every subject of the stream: >)")]
    [InlineData("--durable needs --stream: the stream the consumer reads", "orders.>", "--durable", "w")]
    [InlineData("--stream needs --durable: the name the consumer's position is kept under", "--stream", "orders")]
    [InlineData("--start needs --durable: only a durable consumer starts anywhere but now", "runs.>", "--start", "all")]
    [InlineData("--group does not go with --durable: the subs of one durable share its messages already", "--stream", "orders", "--durable", "w", "--group", "g")]
    [InlineData("--durable acks every delivery it printed (explicit): leave out --ack none", "--stream", "orders", "--durable", "w", "--ack", "none")]
    [InlineData("--start takes new, all or a sequence number from 1, not '0'", "--stream", "orders", "--durable", "w", "--start", "0")]
    [InlineData("--start takes new, all or a sequence number from 1, not 'last'", "--stream", "orders", "--durable", "w", "--start", "last")]
    public async Task Sub_should_refuse_stream_options_that_do_not_fit_together(string message, params string[] args)
    {
        var result = await HostProcess.RunAsync(_dir.Path, ["sub", .. args, "--dir", _dir.SocketDir]);

        Assert.Equal((2, "", $"opsclaw: {message} (see 'opsclaw help sub')"), result);
    }

    [Theory]
    [InlineData("--stream", "orders", "--durable", "w")]
    [InlineData("orders.eu.*", "--stream", "orders", "--durable", "w", "--start", "42")]
    [InlineData("--stream", "orders", "--durable", "w", "--ack", "explicit", "--start", "new")]
    public async Task Sub_should_take_a_durable_with_or_without_a_pattern_and_go_on_to_connect(params string[] args)
    {
        // No host: getting as far as the connect means the parser took it.
        var result = await HostProcess.RunAsync(_dir.Path, ["sub", .. args, "--dir", _dir.SocketDir]);

        Assert.Equal((2, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith($"opsclaw: cannot connect to {_dir.Socket("runtime")}: ", result.Stderr, StringComparison.Ordinal);
    }
}
