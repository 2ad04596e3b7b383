using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Stands in, on a cluster node, for a stream that another node declared and this one did not (the
/// nodes' configurations differ): it stores nothing and refuses what it is sent, so a publish is
/// answered, never lost unanswered, and the host's log says which stream to declare.
/// </summary>
internal sealed class UndeclaredStreamActor : ReceiveActor
{
    public UndeclaredStreamActor(string stream, string? durable)
    {
        var log = Context.GetLogger();
        var problem = $"stream '{stream}' is declared on another node of the cluster but not on this one: declare the same streams (opsclaw.broker.streams) on every node";
        Receive<StreamProtocol.Append>(append =>
        {
            log.Error(problem);
            foreach (var entry in append.Entries)
            {
                var envelope = entry.Request.Envelope;
                entry.ReplyTo.Tell(new ChannelProtocol.Reply(entry.Request.Id, IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId)));
            }
        });
        Receive<StreamProtocol.Subscribe>(subscribe =>
        {
            log.Error(problem);
            var envelope = subscribe.Request.Envelope;
            subscribe.Member.Connection.Tell(new ChannelProtocol.Reply(subscribe.Request.Id, IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId)));
            subscribe.Owner.Tell(new StreamProtocol.Refused(subscribe.Member.Id));
        });
        Receive<BrokerProtocol.Settle>(settle =>
            settle.ReplyTo.Tell(new ChannelProtocol.Reply(settle.Request.Id, IpcErrors.UnknownSubscription(settle.Subscription, settle.Request.Envelope.RunId))));
        Receive<StreamProtocol.GetInfo>(_ => Sender.Tell(durable is null
            ? new StreamInfo(stream, [], "unavailable", 0, 0, 0, 0, [])
            : new StreamConsumerInfo(durable, "", 0, 0, 0)));
        ReceiveAny(_ => { });
    }

    public static Props Props(string stream, string? durable) => Akka.Actor.Props.Create(() => new UndeclaredStreamActor(stream, durable));
}
