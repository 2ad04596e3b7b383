namespace OpsClaw.Bench;

/// <summary>Cuts received bytes into NDJSON lines for a baseline: "\r\n" or "\n" ends a line, blank lines get no reply.</summary>
internal static class LineSplitter
{
    /// <summary>Answers every complete line; returns how many bytes they took (the rest is an unfinished line).</summary>
    public static int AnswerComplete(ReadOnlySpan<byte> bytes, ILineResponder responder, ReplyBuffer output)
    {
        var consumed = 0;
        var rest = bytes;
        int newLine;
        while ((newLine = rest.IndexOf((byte)'\n')) >= 0)
        {
            Answer(rest[..newLine], responder, output);
            consumed += newLine + 1;
            rest = rest[(newLine + 1)..];
        }

        return consumed;
    }

    public static void Answer(ReadOnlySpan<byte> line, ILineResponder responder, ReplyBuffer output)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.IndexOfAnyExcept((byte)' ', (byte)'\t', (byte)'\r') >= 0)
        {
            responder.Respond(line, output);
        }
    }
}
