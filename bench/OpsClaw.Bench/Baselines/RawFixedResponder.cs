namespace OpsClaw.Bench;

/// <summary>The floor: one constant pong per line, the line itself never looked at.</summary>
internal sealed class RawFixedResponder : ILineResponder
{
    public static readonly RawFixedResponder Instance = new();

    private RawFixedResponder()
    {
    }

    public void Respond(ReadOnlySpan<byte> line, ReplyBuffer output) => output.Append(Wire.PongLine);
}
