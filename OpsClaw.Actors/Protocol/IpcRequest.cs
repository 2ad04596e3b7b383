using System.Text;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// A request that passed every envelope check. <see cref="PayloadJson"/> is known to be valid JSON
/// and is kept exactly as the client wrote it, so handlers decide how to read it.
/// </summary>
/// <remarks>
/// A request read from a line holds its payload as the UTF-8 the decoder unescaped it to, and makes
/// the string only when something asks for it: the broker reads a publish from the bytes and never
/// needs one. Equality is by the three values, whichever form the payload is held in.
/// </remarks>
public sealed record IpcRequest
{
    private string? _payloadJson;
    private byte[]? _payloadUtf8;
    private PayloadMember[]? _payloadMembers;

    /// <summary>A request as a handler or a spec makes it.</summary>
    /// <param name="MessageType">The <c>message_type</c>, e.g. <c>runtime.ping</c>; it picks the handler.</param>
    /// <param name="RunId">The <c>run_id</c>, echoed on the reply; null when the client sent none.</param>
    /// <param name="PayloadJson">The <c>payload_json</c>: one JSON value as text, <c>{}</c> for a request without parameters.</param>
    public IpcRequest(string MessageType, string? RunId, string PayloadJson)
    {
        this.MessageType = MessageType;
        this.RunId = RunId;
        _payloadJson = PayloadJson;
    }

    /// <summary>A request as the decoder makes it, its payload still UTF-8 (valid, unescaped from the line).</summary>
    internal IpcRequest(string messageType, string? runId, byte[] payloadUtf8)
    {
        MessageType = messageType;
        RunId = runId;
        _payloadUtf8 = payloadUtf8;
    }

    /// <summary>The <c>message_type</c>, e.g. <c>runtime.ping</c>; it picks the handler.</summary>
    public string MessageType { get; init; }

    /// <summary>The <c>run_id</c>, echoed on the reply; null when the client sent none.</summary>
    public string? RunId { get; init; }

    /// <summary>The <c>payload_json</c>: one JSON value as text, <c>{}</c> for a request without parameters.</summary>
    /// <remarks>Two threads asking at once may both make the string; they make the same one.</remarks>
    public string PayloadJson
    {
        get => _payloadJson ??= Encoding.UTF8.GetString(_payloadUtf8!);
        init
        {
            _payloadJson = value;
            _payloadUtf8 = null;
            _payloadMembers = null;
        }
    }

    /// <summary>Where the decoder found the top-level members of an object payload in <see cref="PayloadUtf8"/>; null otherwise.</summary>
    internal PayloadMember[]? PayloadMembers
    {
        get => _payloadMembers;
        init => _payloadMembers = value;
    }

    /// <summary><see cref="PayloadJson"/> as UTF-8, without a string in between when the request came from a line.</summary>
    internal ReadOnlySpan<byte> PayloadUtf8 => _payloadUtf8 ??= Encoding.UTF8.GetBytes(_payloadJson!);

    /// <inheritdoc />
    public bool Equals(IpcRequest? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && string.Equals(MessageType, other.MessageType, StringComparison.Ordinal)
            && string.Equals(RunId, other.RunId, StringComparison.Ordinal)
            && string.Equals(PayloadJson, other.PayloadJson, StringComparison.Ordinal));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MessageType, RunId, PayloadJson);

    /// <summary>The three values, as a positional record gives them.</summary>
    public void Deconstruct(out string MessageType, out string? RunId, out string PayloadJson)
    {
        MessageType = this.MessageType;
        RunId = this.RunId;
        PayloadJson = this.PayloadJson;
    }
}
