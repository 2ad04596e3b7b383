using Akka.Actor;
using OpsClaw.Actors.Channels;

namespace OpsClaw.Samples;

public sealed record SayRequest(string Text);

public sealed record SayReply(string Text, int Length);

public sealed record SleepRequest(int Ms);

public sealed record SleepReply(int Slept);

/// <summary>
/// A custom channel, served on echo.sock: echo.say answers at once, echo.sleep answers later
/// without blocking the channel, and echo.tally / echo.crash go to a stateful child.
/// </summary>
public sealed class EchoChannel : ChannelActor
{
    public EchoChannel()
    {
        Handle<SayRequest, SayReply>("echo.say", "echo.say.ok", say => new SayReply(say.Text, say.Text.Length));

        HandleAsync<SleepRequest, SleepReply>("echo.sleep", "echo.sleep.ok", async sleep =>
        {
            var ms = Math.Clamp(sleep.Ms, 0, 60_000);
            await Task.Delay(ms);
            return new SleepReply(ms);
        });

        var tally = Context.ActorOf(Props.Create<TallyActor>(), "tally");
        Route("echo.tally", tally);
        Route("echo.crash", tally);
    }
}
