using System.Text;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>The reorder buffer of a connection: replies in request order, memory back to a few slots once a burst is answered.</summary>
public sealed class ReplySlotsSpecs
{
    [Fact]
    public void Slots_should_hand_out_replies_in_request_order_whatever_order_they_are_filled_in()
    {
        var slots = new ReplySlots();
        var first = slots.Open("a", long.MaxValue, 0);
        var second = slots.Open("b", long.MaxValue, 0);
        using var output = new OutputBuffer();

        Assert.True(slots.TryFill(second, "2\n"u8.ToArray(), out _));
        Assert.Equal(0, slots.TakeReady(output));
        Assert.True(slots.TryFill(first, "1\n"u8.ToArray(), out _));
        Assert.Equal(2, slots.TakeReady(output));

        Assert.Equal("1\n2\n", Encoding.UTF8.GetString(output.Written.Span));
    }

    [Fact]
    public void Slots_should_shrink_back_once_a_burst_is_answered_and_keep_numbering_on()
    {
        var slots = new ReplySlots();
        var sequences = Enumerable.Range(0, 1000).Select(_ => slots.Open(null, long.MaxValue, 0)).ToArray();
        Assert.True(slots.Capacity >= 1000);

        foreach (var sequence in sequences.Reverse())
        {
            Assert.True(slots.TryFill(sequence, [(byte)'x'], out _));
        }

        using var output = new OutputBuffer();
        Assert.Equal(1000, slots.TakeReady(output));
        Assert.Equal(0, slots.Count);
        Assert.True(slots.Capacity <= 64);

        var next = slots.Open(null, long.MaxValue, 0);
        Assert.Equal(1000, next);
        Assert.True(slots.TryFill(next, [(byte)'y'], out _));
        Assert.Equal(1, slots.TakeReady(output));
    }

    [Fact]
    public void Slots_should_keep_a_grown_ring_while_any_reply_is_still_owed()
    {
        var slots = new ReplySlots();
        var sequences = Enumerable.Range(0, 200).Select(_ => slots.Open(null, long.MaxValue, 0)).ToArray();
        foreach (var sequence in sequences[..^1])
        {
            slots.TryFill(sequence, [(byte)'x'], out _);
        }

        using var output = new OutputBuffer();
        Assert.Equal(199, slots.TakeReady(output));
        Assert.Equal(1, slots.Count);
        Assert.True(slots.TryFill(sequences[^1], [(byte)'z'], out _));
        Assert.Equal(1, slots.TakeReady(output));
    }
}
