using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Hosting;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>A channel whose handlers misbehave on purpose: slow, hanging, out of order.</summary>
internal sealed class TestChannelActor : ChannelActor
{
    public const string Name = "test";

    public TestChannelActor()
        : base(Name)
    {
        var events = Context.System.EventStream;
        Handle("test.echo", "test.echo.ok", request => request.PayloadJson);

        // Replies after the number of milliseconds in the payload, so later requests can finish first.
        // Announces each start on the event stream, so a spec can know a request is in flight.
        HandleAsync("test.delay", "test.delay.ok", async request =>
        {
            events.Publish(new DelayStarted(request.RunId));
            await Task.Delay(int.Parse(request.PayloadJson, System.Globalization.CultureInfo.InvariantCulture));
            return request.PayloadJson;
        });

        // Never replies; announces that it was received.
        HandleAsync("test.hang", "test.hang.ok", request =>
        {
            events.Publish(new HangStarted(request.RunId));
            return new TaskCompletionSource<string>().Task;
        });
    }

    public sealed record DelayStarted(string? RunId);

    public sealed record HangStarted(string? RunId);

    public static ChannelDefinition Definition() =>
        new(Name, Props.Create(() => new TestChannelActor()), typeof(TestChannelActor));
}
