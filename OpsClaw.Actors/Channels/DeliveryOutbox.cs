using Akka.Actor;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Deliveries an actor makes while handling one message, gathered per connection and told at its end
/// as one <see cref="BrokerProtocol.DeliverBatch"/>: a batch of publishes costs each subscriber's
/// connection one mailbox entry, not one per message.
/// </summary>
internal sealed class DeliveryOutbox
{
    private readonly Dictionary<IActorRef, List<BrokerProtocol.Deliver>> _byConnection = [];

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
