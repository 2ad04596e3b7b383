using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>The host-wide budget (max-buffered-bytes): who waits past it, and that waiting connections are woken.</summary>
public sealed class BufferBudgetSpecs : TestKit
{
    [Fact]
    public void Past_the_budget_only_connections_holding_something_should_wait()
    {
        var budget = new BufferBudget(1000);
        budget.Update(0, 1000);
        Assert.False(budget.ShouldWait(1000));

        budget.Update(1000, 1001);

        Assert.True(budget.ShouldWait(1001));
        Assert.True(budget.ShouldWait(1));
        Assert.False(budget.ShouldWait(0));
    }

    [Fact]
    public void A_waiting_connection_should_be_woken_once_the_total_is_back_within_the_budget()
    {
        var budget = new BufferBudget(1000);
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        budget.Update(0, 800);
        budget.Update(0, 700);
        budget.WakeWhenFreed(first.Ref);
        budget.WakeWhenFreed(second.Ref);

        budget.Update(700, 300);
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        budget.Update(300, 0);
        first.ExpectMsg<Connection.BudgetFreed>();
        second.ExpectMsg<Connection.BudgetFreed>();
    }

    [Fact]
    public void A_connection_asking_to_be_woken_when_there_is_room_already_should_be_woken_at_once()
    {
        var budget = new BufferBudget(1000);
        var probe = CreateTestProbe();

        budget.WakeWhenFreed(probe.Ref);

        probe.ExpectMsg<Connection.BudgetFreed>();
    }

    [Fact]
    public async Task Wake_ups_should_not_be_lost_when_connections_free_and_wait_at_the_same_time()
    {
        // Many rounds of one thread freeing room while another registers: every registration must be answered.
        var budget = new BufferBudget(100);
        var probe = CreateTestProbe();
        const int rounds = 2000;
        for (var round = 0; round < rounds; round++)
        {
            budget.Update(0, 150);
            var freeing = Task.Run(() => budget.Update(150, 0));
            budget.WakeWhenFreed(probe.Ref);
            await freeing.WaitAsync(TimeSpan.FromSeconds(5));
            await probe.ExpectMsgAsync<Connection.BudgetFreed>(TimeSpan.FromSeconds(5));
        }
    }
}
