using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// <c>send --payload -</c> reads the payload from stdin and <c>--payload @file</c> from a file
/// (docs/api-reference.md, "Command line"); the sample host's echo.say sends the text back, so each
/// spec sees exactly what arrived.
/// </summary>
public sealed class PayloadSourceSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public PayloadSourceSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> SayAsync(string payload, byte[]? stdin = null) =>
        HostProcess.RunAsync(_dir.Path, new Dictionary<string, string>(), stdin, "send", "--dir", _dir.SocketDir, "--type", "echo.say", "--payload", payload);

    private static string EchoedText((int ExitCode, string Stdout, string Stderr) result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stdout} {result.Stderr}");
        return (string)JObject.Parse((string)JObject.Parse(result.Stdout)["payload_json"]!)["Text"]!;
    }

    [Fact]
    public async Task Payload_should_be_read_from_stdin_and_from_a_file_without_the_trailing_newline()
    {
        using var host = await HostProcess.StartReadyAsync(_dir.Path, HostProcess.SampleExecutablePath, _dir.SocketDir);
        var file = Path.Combine(_dir.Path, "say.json");

        // A file written by an editor: a byte-order mark, CRLF, a final newline.
        await File.WriteAllBytesAsync(file, [0xEF, 0xBB, 0xBF, .. "{\"Text\":\"gr\u00fc\u00dfe\\nfrom a file\"}\r\n"u8]);

        Assert.Equal("from stdin", EchoedText(await SayAsync("-", "{\"Text\":\"from stdin\"}\n"u8.ToArray())));
        Assert.Equal("gr\u00fc\u00dfe\nfrom a file", EchoedText(await SayAsync("@" + file)));
        Assert.Equal("say.json", EchoedText(await SayAsync("{\"Text\":\"say.json\"}")));

        // Relative to the working directory, as the shell completes it.
        Assert.Equal("gr\u00fc\u00dfe\nfrom a file", EchoedText(await SayAsync("@say.json")));
    }

    [Fact]
    public async Task A_payload_that_cannot_be_read_should_exit_2_naming_the_file_and_why()
    {
        var missing = Path.Combine(_dir.Path, "missing.json");
        var notUtf8 = Path.Combine(_dir.Path, "latin1.json");
        await File.WriteAllBytesAsync(notUtf8, [(byte)'"', 0xE9, (byte)'"']);

        Assert.Equal((2, "", $"opsclaw: cannot read the payload from {missing}: the file does not exist"), await SayAsync("@" + missing));
        Assert.Equal((2, "", $"opsclaw: cannot read the payload from {_dir.Path}: it is a directory"), await SayAsync("@" + _dir.Path));
        Assert.Equal((2, "", $"opsclaw: cannot read the payload from {notUtf8}: it is not valid UTF-8"), await SayAsync("@" + notUtf8));
        Assert.Equal((2, "", "opsclaw: cannot read the payload from stdin: it is not valid UTF-8"), await SayAsync("-", [(byte)'"', 0xFF, (byte)'"']));
    }
}
