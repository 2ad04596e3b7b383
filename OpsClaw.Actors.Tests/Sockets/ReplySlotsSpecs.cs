using System.Text;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>
/// The reorder buffer of a connection: replies in request order, each encoded only once the output
/// has room for it, and memory back to a few slots once a burst is answered.
/// </summary>
public sealed class ReplySlotsSpecs
{
    private const long NoLimit = long.MaxValue;

    [Fact]
    public void Slots_should_hand_out_replies_in_request_order_whatever_order_they_are_filled_in()
    {
        var slots = new ReplySlots();
        var first = slots.Open("a", long.MaxValue, 0, 10);
        var second = slots.Open("b", long.MaxValue, 0, 10);
        using var output = new OutputBuffer();

        Assert.True(slots.TryFill(second, Reply("2"), out _));
        Assert.Equal(0, slots.TakeReady(output, 0, NoLimit));
        Assert.True(slots.TryFill(first, Reply("1"), out _));
        Assert.Equal(2, slots.TakeReady(output, 0, NoLimit));

        Assert.Equal(Encoding.UTF8.GetString([.. IpcCodec.EncodeResponse(Reply("1")), .. IpcCodec.EncodeResponse(Reply("2"))]), Text(output));
    }

    [Fact]
    public void Slots_should_count_the_request_bytes_of_every_reply_not_yet_handed_out()
    {
        var slots = new ReplySlots();
        var first = slots.Open("a", long.MaxValue, 0, 100);
        slots.AddReady(Reply("e"), 30);
        slots.Open("c", long.MaxValue, 0, 7);
        Assert.Equal(137, slots.RequestBytes);

        slots.TryFill(first, Reply("a"), out _);
        Assert.Equal(137, slots.RequestBytes);

        using var output = new OutputBuffer();
        Assert.Equal(2, slots.TakeReady(output, 0, NoLimit));
        Assert.Equal(7, slots.RequestBytes);
    }

    [Fact]
    public void A_reply_that_would_pass_the_limit_should_wait_unencoded_until_the_output_has_room_and_then_keep_its_place()
    {
        var slots = new ReplySlots();
        var big = Reply(new string('x', 100_000));
        var bigBytes = IpcCodec.EncodeResponse(big).Length;
        slots.AddReady(Reply("small"), 0);
        slots.AddReady(big, 0);
        slots.AddReady(Reply("after"), 0);
        using var output = new OutputBuffer();

        // 1,000 bytes are already on their way to the socket: the small reply fits beside them, the big one does not.
        Assert.Equal(1, slots.TakeReady(output, 1000, bigBytes + 500));
        var smallBytes = output.Length;
        Assert.Equal(0, slots.TakeReady(output, 1000 + smallBytes, bigBytes + 500));

        // The socket took everything: the big reply and the one after it go, in order.
        output.Clear();
        Assert.Equal(2, slots.TakeReady(output, 0, bigBytes + 500));
        Assert.StartsWith("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"run_id\":\"xxx", Text(output), StringComparison.Ordinal);
        Assert.EndsWith("\"run_id\":\"after\",\"payload_json\":\"{}\",\"ok\":true,\"error\":null,\"error_code\":null}\n", Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_longer_than_the_limit_on_its_own_should_go_alone_once_nothing_is_buffered()
    {
        var slots = new ReplySlots();
        var huge = Reply(new string('\u007f', 50_000));
        slots.AddReady(huge, 0);
        slots.AddReady(Reply("next"), 0);
        using var output = new OutputBuffer();

        Assert.Equal(0, slots.TakeReady(output, 1, 4096));
        Assert.Equal(1, slots.TakeReady(output, 0, 4096));

        Assert.Equal(IpcCodec.EncodeResponse(huge), output.Written.ToArray());
        Assert.Equal(1, slots.Count);
    }

    [Fact]
    public void Slots_should_shrink_back_once_a_burst_is_answered_and_keep_numbering_on()
    {
        var slots = new ReplySlots();
        var sequences = Enumerable.Range(0, 1000).Select(_ => slots.Open(null, long.MaxValue, 0, 1)).ToArray();
        Assert.True(slots.Capacity >= 1000);

        foreach (var sequence in sequences.Reverse())
        {
            Assert.True(slots.TryFill(sequence, Reply("x"), out _));
        }

        using var output = new OutputBuffer();
        Assert.Equal(1000, slots.TakeReady(output, 0, NoLimit));
        Assert.Equal(0, slots.Count);
        Assert.True(slots.Capacity <= 64);

        var next = slots.Open(null, long.MaxValue, 0, 1);
        Assert.Equal(1000, next);
        Assert.True(slots.TryFill(next, Reply("y"), out _));
        Assert.Equal(1, slots.TakeReady(output, 0, NoLimit));
    }

    [Fact]
    public void Slots_should_keep_a_grown_ring_while_any_reply_is_still_owed()
    {
        var slots = new ReplySlots();
        var sequences = Enumerable.Range(0, 200).Select(_ => slots.Open(null, long.MaxValue, 0, 1)).ToArray();
        foreach (var sequence in sequences[..^1])
        {
            slots.TryFill(sequence, Reply("x"), out _);
        }

        using var output = new OutputBuffer();
        Assert.Equal(199, slots.TakeReady(output, 0, NoLimit));
        Assert.Equal(1, slots.Count);
        Assert.True(slots.TryFill(sequences[^1], Reply("z"), out _));
        Assert.Equal(1, slots.TakeReady(output, 0, NoLimit));
    }

    private static IpcResponse Reply(string runId) => IpcResponse.Success("m", runId, "{}");

    private static string Text(OutputBuffer output) => Encoding.UTF8.GetString(output.Written.Span);
}
