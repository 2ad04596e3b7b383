using Akka.Event;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>The messages between a connection (or any client actor) and a channel actor.</summary>
public static class ChannelProtocol
{
    /// <summary>
    /// Handle one request. <paramref name="Id"/> is the sender's own correlation number (a
    /// connection uses its sequence number) and comes back unchanged on the <see cref="Reply"/>.
    /// </summary>
    /// <param name="Id">The sender's correlation number, returned on the reply.</param>
    /// <param name="Envelope">The request, already checked against the envelope rules.</param>
    public sealed record Request(long Id, IpcRequest Envelope);

    /// <summary>The one answer to a <see cref="Request"/>, success or error, sent to the request's sender.</summary>
    /// <remarks>
    /// A client may hang up with requests in flight; the replies then reach a stopped connection.
    /// That is normal, so they are kept out of the dead-letter log.
    /// </remarks>
    /// <param name="Id">The <see cref="Request.Id"/> of the request answered.</param>
    /// <param name="Response">The reply or error to write back to the client.</param>
    public sealed record Reply(long Id, IpcResponse Response) : IDeadLetterSuppression;

    /// <summary>
    /// Every request of one read, for a <see cref="ChannelActor"/>: a connection whose channel is one
    /// sends this instead of one <see cref="Request"/> each, so the channel's mailbox is entered once
    /// per read. The replies given at once come back as one <see cref="ReplyBatch"/>; a request
    /// answered later (an asynchronous or child handler) gets its own <see cref="Reply"/>.
    /// </summary>
    /// <param name="Requests">The read's requests, in arrival order.</param>
    internal sealed record RequestBatch(Request[] Requests);

    /// <summary>The replies a channel gave at once to a <see cref="RequestBatch"/>: the first <paramref name="Count"/> of <paramref name="Replies"/>.</summary>
    /// <remarks>Like <see cref="Reply"/>, it may reach a connection that has closed, so it stays out of the dead-letter log.</remarks>
    internal sealed record ReplyBatch(Reply[] Replies, int Count) : IDeadLetterSuppression;

    /// <summary>Asks a channel for its <see cref="Description"/>.</summary>
    public sealed class Describe
    {
        /// <summary>The one instance; the message carries nothing.</summary>
        public static readonly Describe Instance = new();

        private Describe()
        {
        }
    }

    /// <summary>A channel's name and the message types it answers, in registration order.</summary>
    /// <param name="Channel">The channel's name.</param>
    /// <param name="MessageTypes">The request types it handles, as listed by <c>control.channels</c>.</param>
    public sealed record Description(string Channel, IReadOnlyList<string> MessageTypes);
}
