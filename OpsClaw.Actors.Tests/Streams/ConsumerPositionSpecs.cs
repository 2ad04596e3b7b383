using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Streams;

public sealed class ConsumerPositionSpecs
{
    [Fact]
    public void The_floor_should_move_only_over_an_unbroken_run_of_acknowledgements()
    {
        var position = new ConsumerPosition();

        Assert.False(position.Done(2));
        Assert.False(position.Done(3));
        Assert.Equal(0, position.AckedSeq);
        Assert.True(position.IsDone(3));
        Assert.False(position.IsDone(1));

        Assert.True(position.Done(1));
        Assert.Equal(3, position.AckedSeq);
        Assert.Empty(position.AckedAbove());
    }

    [Fact]
    public void Done_to_should_jump_the_floor_and_absorb_what_follows()
    {
        var position = new ConsumerPosition();
        position.Done(6);
        position.Done(9);

        position.DoneTo(5);

        Assert.Equal(6, position.AckedSeq);
        Assert.Equal([9L], position.AckedAbove());
    }

    [Fact]
    public void A_restored_position_should_be_the_one_saved()
    {
        var position = new ConsumerPosition();
        position.Restore(10, [12, 15, 11]);

        Assert.Equal(12, position.AckedSeq);
        Assert.Equal([15L], position.AckedAbove());
        Assert.True(position.IsDone(15));
        Assert.False(position.IsDone(13));
    }
}
