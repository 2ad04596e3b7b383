using Akka.Actor;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The broker's local stand-in for a sharded stream or durable consumer in a cluster (docs/cluster.md,
/// "Streams in a cluster"), a child of the broker: it passes what it is told on through the shard
/// region, so the broker sends to it as it sends to a stream or consumer actor of its own. A consumer's
/// handle watches each incarnation of the consumer that accepted one of this node's subscriptions;
/// when one stops (its node went away, or its storage failed) it tells the broker
/// <see cref="StreamProtocol.Lost"/> for the subscriptions that incarnation held, which end as they do
/// when a consumer of the broker's own stops. Subscriptions already made with a newer incarnation stay.
/// </summary>
internal sealed class StreamEntityHandle : ReceiveActor
{
    private readonly Dictionary<IActorRef, HashSet<SubscriptionId>> _joined = [];

    /// <summary>Subscriptions sent to the consumer and not yet joined, refused or left: a Joined for any other is stale.</summary>
    private readonly HashSet<SubscriptionId> _pending = [];

    public StreamEntityHandle(IActorRef region, string stream, string? durable)
    {
        Receive<StreamProtocol.Subscribe>(subscribe =>
        {
            _pending.Add(subscribe.Member.Id);
            region.Forward(new StreamEntityEnvelope(stream, durable, subscribe with { Owner = Self }));
        });
        Receive<StreamProtocol.Joined>(joined =>
        {
            // A member that left before its Joined came back is left; the consumer has its Leave too.
            if (!_pending.Remove(joined.Id))
            {
                return;
            }

            if (!_joined.TryGetValue(Sender, out var ids))
            {
                ids = [];
                _joined.Add(Sender, ids);
                Context.Watch(Sender);
            }

            ids.Add(joined.Id);
        });
        Receive<StreamProtocol.Refused>(refused =>
        {
            _pending.Remove(refused.Id);
            Context.Parent.Tell(refused);
        });
        Receive<BrokerProtocol.Leave>(leave =>
        {
            _pending.Remove(leave.Id);
            foreach (var ids in _joined.Values)
            {
                ids.Remove(leave.Id);
            }

            region.Forward(new StreamEntityEnvelope(stream, durable, leave));
        });

        // A connection tells the sender of its Subscribed (this handle) that its input ended: that is the broker's to handle.
        Receive<BrokerProtocol.InputEnded>(ended => Context.Parent.Forward(ended));
        Receive<Terminated>(terminated =>
        {
            if (_joined.Remove(terminated.ActorRef, out var ids) && ids.Count > 0)
            {
                Context.Parent.Tell(new StreamProtocol.Lost([.. ids]));
            }
        });
        ReceiveAny(message => region.Forward(new StreamEntityEnvelope(stream, durable, message)));
    }

    public static Props Props(IActorRef region, string stream, string? durable) =>
        Akka.Actor.Props.Create(() => new StreamEntityHandle(region, stream, durable));
}
