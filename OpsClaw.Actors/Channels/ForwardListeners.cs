namespace OpsClaw.Actors.Channels;

/// <summary>
/// Whether any subscription matches topic <c>runtime.forward</c>: written by the broker, read by the
/// runtime channel, which answers a forward itself, without a hop to the broker, while nobody listens.
/// The broker writes it before it acknowledges the subscribe that changes it, so a forward sent
/// after the client saw that ack is read against the new value.
/// </summary>
internal sealed class ForwardListeners
{
    private volatile bool _any;

    public bool Any
    {
        get => _any;
        set => _any = value;
    }
}
