namespace OpsClaw.Bench;

/// <summary>Answers one request line of one connection by appending its reply line to the connection's output.</summary>
internal interface ILineResponder
{
    void Respond(ReadOnlySpan<byte> line, ReplyBuffer output);
}
