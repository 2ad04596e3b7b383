using System.Globalization;

namespace OpsClaw.Actors.Broker;

/// <summary>
/// The broker's handle for one subscription, unique in the host for its life. It is not the wire's
/// subscription string (which is unique per connection): the broker maps one to the other, so the
/// registry and the group member choice never depend on what a client calls its subscriptions.
/// </summary>
/// <param name="Value">A number the broker hands out once; rendezvous hashing weighs members by it.</param>
internal readonly record struct SubscriptionId(long Value) : IComparable<SubscriptionId>
{
    public int CompareTo(SubscriptionId other) => Value.CompareTo(other.Value);

    public override string ToString() => "#" + Value.ToString(CultureInfo.InvariantCulture);
}
