using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// A stateful handler that runs as a child of a channel (see <see cref="ChannelActor.Route"/>).
/// Requests reach it one at a time, so its fields need no locks. Unlike a channel's own handlers,
/// an exception here is not caught: the actor crashes, the request it was handling is answered
/// <c>handler_failed</c>, and the channel restarts it with fresh state. Requests queued behind the
/// crash are served by the restarted actor.
/// </summary>
public abstract class ChannelHandlerActor : ReceiveActor
{
    private readonly HandlerTable _handlers;
    private (ChannelProtocol.Request Request, IActorRef ReplyTo)? _current;

    /// <summary>A handler that takes its channel's name from its parent, the channel that created it.</summary>
    protected ChannelHandlerActor()
    {
        _handlers = new HandlerTable(ChannelName);
        Receive<ChannelProtocol.Request>(request =>
        {
            _current = (request, Sender);
            try
            {
                _handlers.Dispatch(request, Sender);
            }
            catch (Exception ex)
            {
                // The channel logs the crash; this tells it which request caused it.
                ex.Data[MessageTypeKey] = request.Envelope.MessageType;
                ex.Data[RunIdKey] = request.Envelope.RunId;
                throw;
            }

            _current = null;
        });
    }

    /// <summary>Where a crash's exception carries the message type of the request that caused it.</summary>
    internal const string MessageTypeKey = "OpsClaw.MessageType";

    /// <summary>Where a crash's exception carries the run_id of the request that caused it (null when it had none).</summary>
    internal const string RunIdKey = "OpsClaw.RunId";

    /// <summary>This actor's logger, for handlers that want to log.</summary>
    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    private string ChannelName { get; } = Context.Parent.Path.Name;

    /// <summary>
    /// Answers <paramref name="requestType"/> with a typed handler, as <see cref="ChannelActor"/>'s
    /// typed <c>Handle</c> does, except that an exception crashes this actor (see the class remarks).
    /// </summary>
    protected void Handle<TRequest, TReply>(string requestType, string replyType, Func<TRequest, TReply> handler)
    {
        var typed = HandlerTable.Typed(handler);
        _handlers.Add(requestType, (request, replyTo) =>
        {
            var envelope = request.Envelope;
            string payload;
            try
            {
                payload = typed(envelope);
            }
            catch (InvalidPayloadException ex)
            {
                // A bad payload is the client's mistake, not this actor's: answer it and keep the state.
                return new ChannelProtocol.Reply(request.Id, HandlerTable.Failure(HandlerFailureLog.Get(Context.System), Log, ChannelName, envelope, ex));
            }

            return new ChannelProtocol.Reply(request.Id, IpcResponse.Success(replyType, envelope.RunId, payload));
        });
    }

    /// <summary>
    /// Answers the request that crashed this actor with <c>handler_failed</c> before the restart. An
    /// override must call this base method, or that request goes unanswered until it times out.
    /// </summary>
    /// <param name="reason">The exception that crashed the actor.</param>
    /// <param name="message">The message being handled when it crashed.</param>
    protected override void PreRestart(Exception reason, object message)
    {
        if (_current is var (request, replyTo))
        {
            var envelope = request.Envelope;
            replyTo.Tell(new ChannelProtocol.Reply(request.Id, IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId)));
        }

        base.PreRestart(reason, message);
    }
}
