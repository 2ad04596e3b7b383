using Akka.Actor;
using Akka.Event;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The handlers of one channel or handler actor, one per <c>message_type</c>, and the rules both
/// share: a request type is registered once, an unknown type is <c>unsupported_message_type</c>,
/// a payload that does not fit is <c>invalid_payload</c>, any other failure is <c>handler_failed</c>.
/// </summary>
internal sealed class HandlerTable(string owner)
{
    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);

    /// <summary>
    /// Handles one request: returns its reply when answered at once, or null when the reply will be
    /// told to <c>replyTo</c> later (an asynchronous handler, a child handler actor).
    /// </summary>
    public delegate ChannelProtocol.Reply? Route(ChannelProtocol.Request request, IActorRef replyTo);

    public IReadOnlyCollection<string> MessageTypes => _routes.Keys;

    public void Add(string requestType, Route route)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestType);
        ArgumentNullException.ThrowIfNull(route);
        if (!_routes.TryAdd(requestType, route))
        {
            throw new InvalidOperationException($"channel '{owner}' already has a handler for '{requestType}'");
        }
    }

    /// <summary>Routes the request to its handler, or answers <c>unsupported_message_type</c>.</summary>
    public void Dispatch(ChannelProtocol.Request request, IActorRef replyTo)
    {
        if (Answer(request, replyTo) is { } reply)
        {
            replyTo.Tell(reply);
        }
    }

    /// <summary>
    /// Routes a batch's requests in order and tells the replies given at once as one
    /// <see cref="ChannelProtocol.ReplyBatch"/>, so the requester's mailbox is entered once per batch.
    /// </summary>
    public void Dispatch(ChannelProtocol.RequestBatch batch, IActorRef replyTo) => AnswerAll(batch, replyTo, Answer);

    /// <summary>
    /// Answers a batch's requests in order with <paramref name="answer"/> and tells the replies given at
    /// once as one <see cref="ChannelProtocol.ReplyBatch"/> (a request answered later gets its own reply).
    /// </summary>
    public static void AnswerAll(
        ChannelProtocol.RequestBatch batch, IActorRef replyTo, Func<ChannelProtocol.Request, IActorRef, ChannelProtocol.Reply?> answer)
    {
        var requests = batch.Requests;
        ChannelProtocol.Reply[]? replies = null;
        var count = 0;
        foreach (var request in requests)
        {
            if (answer(request, replyTo) is { } reply)
            {
                (replies ??= new ChannelProtocol.Reply[requests.Length])[count++] = reply;
            }
        }

        if (replies is not null)
        {
            replyTo.Tell(new ChannelProtocol.ReplyBatch(replies, count));
        }
    }

    /// <summary>The request's reply if its handler (or the lack of one) answers at once; null if it answers later.</summary>
    private ChannelProtocol.Reply? Answer(ChannelProtocol.Request request, IActorRef replyTo)
    {
        if (_routes.TryGetValue(request.Envelope.MessageType, out var route))
        {
            return route(request, replyTo);
        }

        var envelope = request.Envelope;
        return new ChannelProtocol.Reply(
            request.Id,
            IpcErrors.UnsupportedMessageType(owner, envelope.MessageType, envelope.RunId));
    }

    /// <summary>The error reply for a handler that failed with <paramref name="ex"/>.</summary>
    /// <remarks>Static with the logs passed in: async failures complete off the actor's thread.</remarks>
    public static IpcResponse Failure(HandlerFailureLog failures, ILoggingAdapter log, string channel, IpcRequest envelope, Exception ex)
    {
        if (ex is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            ex = aggregate.InnerExceptions[0];
        }

        if (ex is InvalidPayloadException invalid)
        {
            return IpcErrors.InvalidPayload(envelope.MessageType, invalid.Message, envelope.RunId);
        }

        // The exception text may carry user data, so it goes to the log only, never to the client.
        failures.Failed(log, channel, "Handler", envelope.MessageType, envelope.RunId, ex);
        return IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId);
    }

    /// <summary>A raw handler made from a typed one: payload_json in through <typeparamref name="TRequest"/>, reply out as JSON.</summary>
    public static Func<IpcRequest, string> Typed<TRequest, TReply>(Func<TRequest, TReply> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return envelope => PayloadBinding.Write(handler(PayloadBinding.Read<TRequest>(envelope.PayloadJson)));
    }

    public static Func<IpcRequest, Task<string>> TypedAsync<TRequest, TReply>(Func<TRequest, Task<TReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return async envelope =>
        {
            var request = PayloadBinding.Read<TRequest>(envelope.PayloadJson);
            return PayloadBinding.Write(await handler(request).ConfigureAwait(false));
        };
    }
}
