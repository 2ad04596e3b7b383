using System.Text;

namespace OpsClaw.Host;

/// <summary>
/// The text of <c>--payload</c>: the JSON itself, <c>-</c> for standard input, or <c>@file</c> for a
/// file's contents (as <c>curl -d @file</c>). Neither form is valid JSON, so no payload is mistaken for one.
/// </summary>
internal static class PayloadSource
{
    public const string Help = "payload_json: a JSON document, - to read it from stdin, or @file to read it from a file (UTF-8).";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The payload text, or null after printing why it could not be read (exit 2).</summary>
    public static async Task<string?> ReadAsync(string argument, CancellationToken cancel)
    {
        if (argument == "-")
        {
            return await ReadAsync("stdin", Console.OpenStandardInput, cancel).ConfigureAwait(false);
        }

        if (!argument.StartsWith('@'))
        {
            return argument;
        }

        var path = Path.GetFullPath(argument[1..]);
        if (Directory.Exists(path))
        {
            ExitCodes.Fail(ExitCodes.Usage, $"cannot read the payload from {path}: it is a directory");
            return null;
        }

        if (!File.Exists(path))
        {
            ExitCodes.Fail(ExitCodes.Usage, $"cannot read the payload from {path}: the file does not exist");
            return null;
        }

        return await ReadAsync(path, () => File.OpenRead(path), cancel).ConfigureAwait(false);
    }

    private static async Task<string?> ReadAsync(string name, Func<Stream> open, CancellationToken cancel)
    {
        try
        {
            using var reader = new StreamReader(open(), StrictUtf8, detectEncodingFromByteOrderMarks: false);
            return Trimmed(await reader.ReadToEndAsync(cancel).ConfigureAwait(false));
        }
        catch (DecoderFallbackException)
        {
            ExitCodes.Fail(ExitCodes.Usage, $"cannot read the payload from {name}: it is not valid UTF-8");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ExitCodes.Fail(ExitCodes.Usage, $"cannot read the payload from {name}: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// An editor's byte-order mark and the newline a file or heredoc ends with are no part of the
    /// document; sent, the newline would show in payload_json and the mark would make it invalid JSON.
    /// </summary>
    private static string Trimmed(string text) => text.TrimStart('\uFEFF').TrimEnd('\n', '\r', ' ', '\t');
}
