namespace OpsClaw.Actors.Client;

/// <summary>How a subscription's deliveries are settled (docs/protocol.md §9.3): the subscribe's <c>ack</c>.</summary>
public enum AckMode
{
    /// <summary>
    /// At most once (<c>ack: none</c>): nothing to acknowledge; a subscriber that falls behind loses
    /// deliveries, counted in the next one's <see cref="Delivery.Dropped"/>.
    /// </summary>
    None,

    /// <summary>
    /// At least once (<c>ack: explicit</c>): each delivery is acknowledged (<see cref="Delivery.AckAsync"/>)
    /// or handed back (<see cref="Delivery.NackAsync"/>); one left unacknowledged past the host's
    /// <c>broker.ack-wait</c>, or when the subscription ends, is delivered again.
    /// </summary>
    Explicit,
}
