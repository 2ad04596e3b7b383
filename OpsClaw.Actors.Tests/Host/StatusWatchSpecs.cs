using System.Text.RegularExpressions;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>opsclaw status --watch</c> keeps its columns where they are while the numbers grow
/// (docs/api-reference.md, "Command line"): figure columns start wide enough for large values and
/// never narrow, so a person watching sees numbers change, not the table move.
/// </summary>
public sealed partial class StatusWatchSpecs : IDisposable
{
    private const int SigInt = 2;
    private readonly TempSocketDir _dir = new();

    public StatusWatchSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Watch_columns_should_stay_put_while_latencies_grow_past_the_width_of_their_headings()
    {
        using var host = await HostProcess.StartReadyAsync(_dir.Path, HostProcess.SampleExecutablePath, _dir.SocketDir);
        using var watch = HostProcess.Start(_dir.Path, "status", "--dir", _dir.SocketDir, "--watch");
        await watch.WaitForStdoutAsync(stdout => stdout.Contains("\necho ", StringComparison.Ordinal));

        // Two requests of 1.2 s: the echo row's p50 and p99 go from 0.000 to four-digit milliseconds,
        // wider than "P50 MS" and "P99 MS", which used to widen those columns and move the rest.
        await using (var client = await IpcClient.ConnectAsync(_dir.Socket("echo")))
        {
            var slow = await Task.WhenAll(
                client.SendAsync("echo.sleep", "{\"Ms\":1200}", timeout: TimeSpan.FromSeconds(30)),
                client.SendAsync("echo.sleep", "{\"Ms\":1200}", timeout: TimeSpan.FromSeconds(30)));
            Assert.All(slow, reply => Assert.True(reply.Ok));
        }

        await watch.WaitForStdoutAsync(stdout => SlowEchoRow().IsMatch(stdout));
        watch.Signal(SigInt);
        Assert.Equal(0, await watch.WaitForExitAsync());

        var lines = watch.Stdout.Split('\n');
        var heading = Assert.Single(lines.Where(line => line.StartsWith("CHANNEL ", StringComparison.Ordinal)).Distinct());
        var rows = lines.Where(line => Regex.IsMatch(line, "^(runtime|control|echo) ")).ToList();
        Assert.True(rows.Count >= 6, $"expected at least two tables:\n{watch.Stdout}");

        // In every table each figure ends under the end of its heading, and the code list starts under its heading.
        var codes = heading.IndexOf("ERRORS BY CODE", StringComparison.Ordinal);
        var p50End = heading.IndexOf("P50 MS", StringComparison.Ordinal) + "P50 MS".Length;
        foreach (var row in rows)
        {
            Assert.True(char.IsAsciiDigit(row[p50End - 1]) && row[p50End] == ' ', $"p50 not under its heading:\n{heading}\n{row}");
            Assert.True(row[codes - 1] == ' ' && row[codes] != ' ', $"codes not under their heading:\n{heading}\n{row}");
        }
    }

    [GeneratedRegex(@"^echo +(\d+ +){4}\d{4}\.\d{3} +\d{4}\.\d{3}  ", RegexOptions.Multiline)]
    private static partial Regex SlowEchoRow();
}
