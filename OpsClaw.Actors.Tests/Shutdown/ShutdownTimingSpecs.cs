using Akka.Configuration;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Actors.Tests.Shutdown;

public sealed class ShutdownTimingSpecs
{
    [Fact]
    public void Each_wait_should_outlast_the_one_it_waits_for()
    {
        var timing = new ShutdownTiming(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(6), timing.ListenersDrainedWithin);
        Assert.Equal(TimeSpan.FromSeconds(7), timing.RootDrainedWithin);
    }

    [Theory]
    [InlineData("5s", "30s", null)]
    [InlineData("28s", "30s", null)]
    [InlineData("28.5s", "30s", "at least 30.5s")]
    [InlineData("0.3s", "2.3s", null)]
    [InlineData("0.3s", "2.2s", "at least 2.3s")]
    public void The_drain_phase_should_be_refused_when_shorter_than_the_drain_and_its_waits(string drain, string phase, string? problem)
    {
        var config = ConfigurationFactory.ParseString($"akka.coordinated-shutdown.phases.service-requests-done.timeout = {phase}");
        var found = new ShutdownTiming(Duration(drain)).ProblemWith(config);

        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.NotNull(found);
            Assert.Contains($"akka.coordinated-shutdown.phases.service-requests-done.timeout = {phase}", found, StringComparison.Ordinal);
            Assert.Contains($"opsclaw.ipc.shutdown-drain-timeout = {drain}", found, StringComparison.Ordinal);
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_phase_without_its_own_timeout_should_be_held_to_the_default_phase_timeout()
    {
        // Akka's own default (5 s) cannot hold the default drain (5 s) and the waits around it.
        var defaults = ConfigurationFactory.ParseString("akka.coordinated-shutdown.default-phase-timeout = 5s");
        Assert.Contains("service-requests-done.timeout = 5s", new ShutdownTiming(TimeSpan.FromSeconds(5)).ProblemWith(defaults), StringComparison.Ordinal);

        var longer = ConfigurationFactory.ParseString("akka.coordinated-shutdown.default-phase-timeout = 8s");
        Assert.Null(new ShutdownTiming(TimeSpan.FromSeconds(5)).ProblemWith(longer));
    }

    [Fact]
    public void A_socket_unbind_phase_shorter_than_its_wait_should_be_refused()
    {
        var config = ConfigurationFactory.ParseString(
            "akka.coordinated-shutdown.phases.service-unbind.timeout = 2s\nakka.coordinated-shutdown.phases.service-requests-done.timeout = 30s");

        Assert.Contains("service-unbind.timeout = 2s", new ShutdownTiming(TimeSpan.FromSeconds(5)).ProblemWith(config), StringComparison.Ordinal);
    }

    private static TimeSpan Duration(string hocon) => ConfigurationFactory.ParseString($"d = {hocon}").GetTimeSpan("d");
}
