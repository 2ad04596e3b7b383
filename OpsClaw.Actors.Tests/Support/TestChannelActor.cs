using Akka.Actor;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Ipc;

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

        // Replies when the spec says so, through the gate it announces: in flight for exactly as long as the spec needs.
        HandleAsync("test.gated", "test.gated.ok", request =>
        {
            var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            events.Publish(new Gated(request.RunId, gate));
            return gate.Task;
        });

        // Never replies; announces that it was received.
        HandleAsync("test.hang", "test.hang.ok", request =>
        {
            events.Publish(new HangStarted(request.RunId));
            return new TaskCompletionSource<string>().Task;
        });
    }

    public sealed record DelayStarted(string? RunId);

    /// <summary>A test.gated request was received; it is answered with what the spec sets on <paramref name="Reply"/>, when it does.</summary>
    public sealed record Gated(string? RunId, TaskCompletionSource<string> Reply);

    public sealed record HangStarted(string? RunId);

    public static ChannelDefinition Definition() =>
        new(Name, Props.Create(() => new TestChannelActor()), typeof(TestChannelActor));
}
