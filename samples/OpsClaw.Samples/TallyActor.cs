using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Samples;

public sealed record TallyReply(long Count);

/// <summary>
/// A stateful handler: it counts echo.tally requests. echo.crash throws, so the channel answers
/// that request handler_failed and restarts this actor, and the count starts again from zero.
/// </summary>
public sealed class TallyActor : ChannelHandlerActor
{
    private long _count;

    public TallyActor()
    {
        Handle<EmptyPayload, TallyReply>("echo.tally", "echo.tally.ok", _ => new TallyReply(++_count));
        Handle<EmptyPayload, TallyReply>("echo.crash", "echo.crash.ok", _ => throw new InvalidOperationException("asked to crash"));
    }
}
