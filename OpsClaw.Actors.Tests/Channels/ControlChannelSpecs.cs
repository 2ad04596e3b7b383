using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Channels;

public sealed class ControlChannelSpecs : ChannelSpecBase
{
    [Fact]
    public async Task Control_channel_should_report_healthy()
    {
        var control = Sys.ActorOf(ControlChannelActor.Props(new ProbeShutdown(Client)));

        var response = await ExpectReplyAsync(Ask(control, MessageTypes.ControlHealth, runId: "h1"));

        AssertSuccess(response, "control.health.ok", "h1", "{\"status\":\"healthy\"}");
    }

    [Fact]
    public async Task Control_channel_should_acknowledge_stop_before_it_requests_shutdown()
    {
        var control = Sys.ActorOf(ControlChannelActor.Props(new ProbeShutdown(Client)));

        var id = Ask(control, MessageTypes.ControlStop, runId: "s1");

        // Same probe for both: the ack must arrive first, then the shutdown request.
        AssertSuccess(await ExpectReplyAsync(id), "control.stop.ack", "s1", "{\"stop\":\"requested\"}");
        await Client.ExpectMsgAsync<ShutdownRequested>();
    }

    [Fact]
    public async Task Control_channel_should_not_request_shutdown_for_other_messages()
    {
        var control = Sys.ActorOf(ControlChannelActor.Props(new ProbeShutdown(Client)));

        await ExpectReplyAsync(Ask(control, MessageTypes.ControlHealth));
        await ExpectReplyAsync(Ask(control, "runtime.ping"));

        await Client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData("runtime.ping")]
    [InlineData("runtime.forward")]
    [InlineData("control.restart")]
    public async Task Control_channel_should_refuse_runtime_and_unknown_types(string messageType)
    {
        var control = Sys.ActorOf(ControlChannelActor.Props(new ProbeShutdown(Client)));

        var response = await ExpectReplyAsync(Ask(control, messageType, runId: null));

        AssertError(response, "unsupported_message_type", $"unsupported control message_type '{messageType}'", null);
    }

    [Fact]
    public async Task Control_stop_should_run_coordinated_shutdown_and_terminate_the_actor_system()
    {
        var system = ActorSystem.Create("stop-spec", ConfigurationFactory.ParseString("akka.coordinated-shutdown.exit-clr = off"));
        try
        {
            var client = new TestProbe(system, new Akka.TestKit.Xunit2.XunitAssertions());
            var control = system.ActorOf(ControlChannelActor.Props());

            control.Tell(new ChannelProtocol.Request(1, new IpcRequest("control.stop", "s", "{}")), client.Ref);

            var reply = await client.ExpectMsgAsync<ChannelProtocol.Reply>();
            Assert.Equal("control.stop.ack", reply.Response.MessageType);
            await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.IsType<ControlStopReason>(CoordinatedShutdown.Get(system).ShutdownReason);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed record ShutdownRequested;

    private sealed class ProbeShutdown(TestProbe probe) : IShutdownRequester
    {
        public void RequestShutdown(ActorSystem system) => probe.Ref.Tell(new ShutdownRequested());
    }
}
