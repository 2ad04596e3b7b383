namespace OpsClaw.Bench;

/// <summary>What a broker dialect's parser finds in a connection's bytes, frame by frame.</summary>
internal interface IFrameSink
{
    /// <summary>A delivered message.</summary>
    /// <param name="frame">The whole delivery frame; the body's stamp is found in it by <see cref="BenchBody.TryRead"/>.</param>
    /// <param name="delivery">The server's delivery number (opsclaw), or 0.</param>
    /// <param name="dropped">Deliveries the server says it dropped before this one (opsclaw), or 0.</param>
    /// <param name="redelivered">Whether the server marks it as delivered before (opsclaw).</param>
    void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered);

    /// <summary>An answer to something this connection sent: a publish or subscribe ack, a Redis integer, a NATS PONG or -ERR.</summary>
    /// <param name="ok">False for an error answer.</param>
    /// <param name="count">The receivers the server counted for a publish (opsclaw's <c>matched</c>, Redis's integer), or -1.</param>
    /// <param name="frame">The whole answer, for error text and the subscription id.</param>
    void OnReply(bool ok, long count, ReadOnlySpan<byte> frame);

    /// <summary>The server asks whether the client is alive (NATS <c>PING</c>); the connection answers with the dialect's pong.</summary>
    void OnPing();
}
