using Akka.Actor;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Deliveries an actor makes while handling one message, gathered per connection and told at its end
/// as one <see cref="BrokerProtocol.DeliverBatch"/>: a batch of publishes costs each subscriber's
/// connection one mailbox entry, not one per message.
/// </summary>
internal sealed class DeliveryOutbox
{
    /// <summary>
    /// Keyed by reference: an actor ref's own hash walks its path and address on every delivery. Two refs to
    /// one connection could only split its batch in two, sent in order, never reorder it.
    /// </summary>
    private readonly Dictionary<IActorRef, List<BrokerProtocol.Deliver>> _byConnection = new(ReferenceEqualityComparer.Instance);

    /// <summary>Lists emptied by <see cref="SendAll"/>, reused for the next message so gathering allocates only the batch arrays.</summary>
    private readonly Stack<List<BrokerProtocol.Deliver>> _spare = new();

    public void Add(IActorRef connection, BrokerProtocol.Deliver deliver)
    {
        if (!_byConnection.TryGetValue(connection, out var deliveries))
        {
            deliveries = _spare.TryPop(out var spare) ? spare : [];
            _byConnection.Add(connection, deliveries);
        }

        deliveries.Add(deliver);
    }

    public void SendAll()
    {
        if (_byConnection.Count == 0)
        {
            return;
        }

        foreach (var (connection, deliveries) in _byConnection)
        {
            connection.Tell(deliveries.Count == 1 ? deliveries[0] : new BrokerProtocol.DeliverBatch([.. deliveries]));
            deliveries.Clear();
            if (_spare.Count < 16 && deliveries.Capacity <= 1024)
            {
                _spare.Push(deliveries);
            }
        }

        _byConnection.Clear();
    }
}
