namespace OpsClaw.Actors.Protocol;

/// <summary>Receives what a <see cref="LineFramer"/> cuts out of a byte stream, in stream order.</summary>
internal interface ILineSink
{
    /// <summary>
    /// A complete, non-blank line without its <c>\n</c> (and without one trailing <c>\r</c>).
    /// The span is only valid during the call.
    /// </summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>A line passed the byte limit; its remaining bytes up to the next <c>\n</c> are dropped.</summary>
    void OnFrameTooLarge();
}
