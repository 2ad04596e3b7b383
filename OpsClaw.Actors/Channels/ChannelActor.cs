using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// Base of every channel supervisor, built-in or user-written. A subclass registers one handler per
/// <c>message_type</c> in its constructor; the base routes each <see cref="ChannelProtocol.Request"/>
/// to its handler and guarantees exactly one <see cref="ChannelProtocol.Reply"/> per request: the
/// handler's payload, <c>unsupported_message_type</c>, <c>invalid_payload</c> for a typed handler
/// whose payload does not fit, or <c>handler_failed</c> when it throws. A throwing handler fails
/// only its own request; the channel goes on serving. Handlers that keep state may live in child
/// <see cref="ChannelHandlerActor"/>s (see <see cref="Route"/>), which this channel restarts when they crash.
/// </summary>
public abstract class ChannelActor : ReceiveActor
{
    private readonly HandlerTable _handlers;

    /// <summary>A channel named after its actor, which the IPC root names after the channel (and its socket).</summary>
    protected ChannelActor()
        : this(Context.Self.Path.Name)
    {
    }

    /// <summary>A channel with an explicit name, for one whose actor is named otherwise (the built-in channels use it).</summary>
    /// <param name="channelName">The name shown in error texts, <c>control.channels</c> and the failure log.</param>
    protected ChannelActor(string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        ChannelName = channelName;
        _handlers = new HandlerTable(channelName);
        Receive<ChannelProtocol.Request>(request => _handlers.Dispatch(request, Sender));
        Receive<ChannelProtocol.RequestBatch>(batch =>
        {
            if (!TakeWholeBatch(batch, Sender))
            {
                _handlers.Dispatch(batch, Sender);
            }
        });
        Receive<ChannelProtocol.Describe>(_ => Sender.Tell(new ChannelProtocol.Description(ChannelName, [.. HandledMessageTypes])));
    }

    /// <summary>The channel's name, as in <c>&lt;name&gt;.sock</c> and in error texts.</summary>
    public string ChannelName { get; }

    /// <summary>The message types this channel answers, in registration order.</summary>
    public IReadOnlyCollection<string> HandledMessageTypes => _handlers.MessageTypes;

    /// <summary>This actor's logger, for handlers that want to log.</summary>
    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    private HandlerFailureLog Failures { get; } = HandlerFailureLog.Get(Context.System);

    /// <summary>Restarts crashed children like Akka's one-for-one strategy, logging each crash through the rate-limited log.</summary>
    private sealed class ChildHandlerStrategy(IDecider decider, HandlerFailureLog failures, ILoggingAdapter log, string channel)
        : OneForOneStrategy(-1, -1, decider, loggingEnabled: true)
    {
        protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
        {
            if (directive == Directive.Restart)
            {
                failures.Failed(
                    log,
                    channel,
                    $"Handler actor '{child.Path.Name}'",
                    cause.Data[ChannelHandlerActor.MessageTypeKey] as string,
                    cause.Data[ChannelHandlerActor.RunIdKey] as string,
                    cause);
            }
        }
    }

    /// <summary>
    /// Answers <paramref name="requestType"/> synchronously: the handler returns the reply's
    /// <c>payload_json</c>, sent back as <paramref name="replyType"/> with the request's <c>run_id</c>.
    /// </summary>
    protected void Handle(string requestType, string replyType, Func<IpcRequest, string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(requestType, (request, replyTo) =>
        {
            var envelope = request.Envelope;
            IpcResponse response;
            try
            {
                response = IpcResponse.Success(replyType, envelope.RunId, handler(envelope));
            }
            catch (Exception ex)
            {
                response = HandlerTable.Failure(Failures, Log, ChannelName, envelope, ex);
            }

            return new ChannelProtocol.Reply(request.Id, response);
        });
    }

    /// <summary>
    /// Answers <paramref name="requestType"/> with a typed handler: <c>payload_json</c> is read as
    /// <typeparamref name="TRequest"/> (a mismatch is <c>invalid_payload</c> naming the field; a
    /// non-nullable property that is missing counts as a mismatch) and the returned
    /// <typeparamref name="TReply"/> is written as the reply's <c>payload_json</c>.
    /// </summary>
    protected void Handle<TRequest, TReply>(string requestType, string replyType, Func<TRequest, TReply> handler) =>
        Handle(requestType, replyType, HandlerTable.Typed(handler));

    /// <summary>
    /// Answers <paramref name="requestType"/> with an asynchronous handler. The result is piped back
    /// to the requester when it completes, so a slow handler never blocks this channel's mailbox.
    /// </summary>
    protected void HandleAsync(string requestType, string replyType, Func<IpcRequest, Task<string>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(requestType, (request, replyTo) =>
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

            var (failures, log, channel) = (Failures, Log, ChannelName);
            pending.PipeTo(
                replyTo,
                success: payload => new ChannelProtocol.Reply(
                    request.Id, IpcResponse.Success(replyType, envelope.RunId, payload)),
                failure: ex => new ChannelProtocol.Reply(request.Id, HandlerTable.Failure(failures, log, channel, envelope, ex)));
            return null;
        });
    }

    /// <summary>The typed form of <see cref="HandleAsync(string, string, Func{IpcRequest, Task{string}})"/>.</summary>
    protected void HandleAsync<TRequest, TReply>(string requestType, string replyType, Func<TRequest, Task<TReply>> handler) =>
        HandleAsync(requestType, replyType, HandlerTable.TypedAsync(handler));

    /// <summary>
    /// Hands every <paramref name="requestType"/> request to <paramref name="handler"/>, usually a
    /// child <see cref="ChannelHandlerActor"/>, which answers the connection directly.
    /// </summary>
    protected void Route(string requestType, IActorRef handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(requestType, (request, replyTo) =>
        {
            handler.Tell(request, replyTo);
            return null;
        });
    }

    /// <summary>
    /// Lets a built-in channel hand a whole batch on in one message (the runtime channel gives a batch
    /// of broker requests to its broker); false to route its requests one by one.
    /// </summary>
    private protected virtual bool TakeWholeBatch(ChannelProtocol.RequestBatch batch, IActorRef replyTo) => false;

    /// <summary>Registers a raw route, for a built-in channel that decides per request where it goes.</summary>
    private protected void AddRoute(string requestType, HandlerTable.Route route) => _handlers.Add(requestType, route);

    /// <summary>Child handlers are restarted on failure (their state starts afresh) and the channel keeps serving.</summary>
    /// <remarks>
    /// A child that cannot even be created is stopped: restarting it would only fail again, in a loop.
    /// Each crash is logged through <see cref="HandlerFailureLog"/> rather than in full every time, so a
    /// client sending crashing requests in a loop cannot turn the log into a flood.
    /// </remarks>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new ChildHandlerStrategy(Decider.From(DecideForChild), Failures, Log, ChannelName);

    private Directive DecideForChild(Exception failure)
    {
        if (failure is ActorInitializationException)
        {
            Log.Error(failure, "A handler actor of channel '{0}' could not be created; it is stopped", ChannelName);
            return Directive.Stop;
        }

        return Directive.Restart;
    }
}
