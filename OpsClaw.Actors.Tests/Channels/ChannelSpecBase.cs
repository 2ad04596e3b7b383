using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>A TestProbe plays the connection: it sends channel requests and expects the replies.</summary>
public abstract class ChannelSpecBase : TestKit
{
    private long _nextId;

    protected ChannelSpecBase()
    {
        Client = CreateTestProbe("client");
    }

    /// <summary>A channel spec with config of its own.</summary>
    protected ChannelSpecBase(string config)
        : base(config)
    {
        Client = CreateTestProbe("client");
    }

    protected TestProbe Client { get; }

    protected long Ask(IActorRef channel, string messageType, string? runId = null, string payloadJson = "{}")
    {
        var id = ++_nextId;
        channel.Tell(new ChannelProtocol.Request(id, new IpcRequest(messageType, runId, payloadJson)), Client.Ref);
        return id;
    }

    protected async Task<IpcResponse> ExpectReplyAsync(long id)
    {
        var reply = await Client.ExpectMsgAsync<ChannelProtocol.Reply>();
        Assert.Equal(id, reply.Id);
        return reply.Response;
    }

    /// <summary>Replies that may arrive in any order (async handlers, child handlers), keyed by request id.</summary>
    protected async Task<Dictionary<long, IpcResponse>> ExpectRepliesAsync(int count)
    {
        var replies = new Dictionary<long, IpcResponse>();
        for (var i = 0; i < count; i++)
        {
            var reply = await Client.ExpectMsgAsync<ChannelProtocol.Reply>();
            replies.Add(reply.Id, reply.Response);
        }

        return replies;
    }

    protected static void AssertSuccess(IpcResponse response, string messageType, string? runId, string payloadJson)
    {
        Assert.Equal(IpcResponse.Success(messageType, runId, payloadJson), response);
    }

    protected static void AssertError(IpcResponse response, string code, string error, string? runId)
    {
        Assert.Equal(IpcResponse.Failure(code, error, runId), response);
    }
}
