using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Base of every channel supervisor, built-in or user-written. A subclass registers one handler per
/// <c>message_type</c> in its constructor; the base routes each <see cref="ChannelProtocol.Request"/>
/// to its handler and guarantees exactly one <see cref="ChannelProtocol.Reply"/> per request: the
/// handler's payload, <c>unsupported_message_type</c>, or <c>handler_failed</c> when it throws.
/// A throwing handler fails only its own request; the channel goes on serving.
/// </summary>
public abstract class ChannelActor : ReceiveActor
{
    private readonly Dictionary<string, Action<ChannelProtocol.Request, IActorRef>> _handlers = new(StringComparer.Ordinal);

    protected ChannelActor(string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        ChannelName = channelName;
        Receive<ChannelProtocol.Request>(Dispatch);
    }

    /// <summary>The channel's name, as in <c>&lt;name&gt;.sock</c> and in error texts.</summary>
    public string ChannelName { get; }

    /// <summary>The message types this channel answers, in registration order.</summary>
    public IReadOnlyCollection<string> HandledMessageTypes => _handlers.Keys;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>
    /// Answers <paramref name="requestType"/> synchronously: the handler returns the reply's
    /// <c>payload_json</c>, sent back as <paramref name="replyType"/> with the request's <c>run_id</c>.
    /// </summary>
    protected void Handle(string requestType, string replyType, Func<IpcRequest, string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(requestType, (request, replyTo) =>
        {
            var envelope = request.Envelope;
            IpcResponse response;
            try
            {
                response = IpcResponse.Success(replyType, envelope.RunId, handler(envelope));
            }
            catch (Exception ex)
            {
                response = HandlerFailed(Log, envelope, ex);
            }

            replyTo.Tell(new ChannelProtocol.Reply(request.Id, response));
        });
    }

    /// <summary>
    /// Answers <paramref name="requestType"/> with an asynchronous handler. The result is piped back
    /// to the requester when it completes, so a slow handler never blocks this channel's mailbox.
    /// </summary>
    protected void HandleAsync(string requestType, string replyType, Func<IpcRequest, Task<string>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(requestType, (request, replyTo) =>
        {
            var envelope = request.Envelope;
            Task<string> pending;
            try
            {
                pending = handler(envelope);
            }
            catch (Exception ex)
            {
                pending = Task.FromException<string>(ex);
            }

            var log = Log;
            pending.PipeTo(
                replyTo,
                success: payload => new ChannelProtocol.Reply(
                    request.Id, IpcResponse.Success(replyType, envelope.RunId, payload)),
                failure: ex => new ChannelProtocol.Reply(request.Id, HandlerFailed(log, envelope, ex)));
        });
    }

    /// <summary>Handlers that run in children are restarted on failure, so the channel keeps its state and keeps serving.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Restart));

    private void Register(string requestType, Action<ChannelProtocol.Request, IActorRef> route)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestType);
        if (!_handlers.TryAdd(requestType, route))
        {
            throw new InvalidOperationException($"channel '{ChannelName}' already has a handler for '{requestType}'");
        }
    }

    private void Dispatch(ChannelProtocol.Request request)
    {
        if (_handlers.TryGetValue(request.Envelope.MessageType, out var route))
        {
            route(request, Sender);
            return;
        }

        var envelope = request.Envelope;
        Sender.Tell(new ChannelProtocol.Reply(
            request.Id,
            IpcErrors.UnsupportedMessageType(ChannelName, envelope.MessageType, envelope.RunId)));
    }

    /// <remarks>Static with the log passed in: async failures run off the actor's thread.</remarks>
    private static IpcResponse HandlerFailed(ILoggingAdapter log, IpcRequest envelope, Exception ex)
    {
        // The exception text may carry user data, so it goes to the log only, never to the client.
        log.Warning(ex, "Handler for '{0}' failed", envelope.MessageType);
        return IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId);
    }
}
