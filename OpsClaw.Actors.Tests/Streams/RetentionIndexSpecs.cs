using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Tests.Streams;

public sealed class RetentionIndexSpecs
{
    private static StreamSettings Limits(long? messages = null, long? bytes = null, TimeSpan? age = null) =>
        new("s", [">"], messages, bytes, age);

    private static RetentionIndex Filled(int count, long bytesEach = 10, long at = 0)
    {
        var index = new RetentionIndex();
        for (var seq = 1; seq <= count; seq++)
        {
            index.Add(seq, bytesEach, at + seq);
        }

        return index;
    }

    [Fact]
    public void Max_messages_should_keep_exactly_the_newest_ones()
    {
        var index = Filled(1000);

        Assert.Equal(700, index.Trim(Limits(messages: 300), now: 0));
        Assert.Equal(701, index.FirstSeq);
        Assert.Equal(1000, index.LastSeq);
        Assert.Equal(300, index.Messages);
        Assert.Equal(3000, index.Bytes);
        Assert.Null(index.Trim(Limits(messages: 300), now: 0));
    }

    [Fact]
    public void Max_bytes_should_delete_whole_blocks_oldest_first_until_the_rest_fits()
    {
        var index = Filled(RetentionIndex.BlockSize * 4);

        var upTo = index.Trim(Limits(bytes: RetentionIndex.BlockSize * 10 * 2), now: 0);

        Assert.Equal(RetentionIndex.BlockSize * 2, upTo);
        Assert.Equal(RetentionIndex.BlockSize * 10 * 2, index.Bytes);
        Assert.Equal(RetentionIndex.BlockSize * 2 + 1, index.FirstSeq);
    }

    [Fact]
    public void Max_age_should_delete_a_block_once_its_newest_message_is_too_old()
    {
        var index = new RetentionIndex();
        for (var seq = 1; seq <= RetentionIndex.BlockSize * 2; seq++)
        {
            index.Add(seq, 1, storedAt: seq <= RetentionIndex.BlockSize ? 100 : 1000);
        }

        Assert.Null(index.Trim(Limits(age: TimeSpan.FromTicks(500)), now: 600));
        Assert.Equal(RetentionIndex.BlockSize, index.Trim(Limits(age: TimeSpan.FromTicks(500)), now: 601));
        Assert.Equal(RetentionIndex.BlockSize + 1, index.FirstSeq);
    }

    [Fact]
    public void A_snapshot_should_restore_the_same_range_and_size()
    {
        var index = Filled(1000, bytesEach: 7);
        index.Trim(Limits(messages: 900), now: 0);

        var restored = new RetentionIndex();
        restored.Restore(index.ToSnapshot());

        Assert.Equal((index.FirstSeq, index.LastSeq, index.Messages, index.Bytes), (restored.FirstSeq, restored.LastSeq, restored.Messages, restored.Bytes));
    }

    [Fact]
    public void An_empty_stream_should_keep_counting_from_the_journals_highest_sequence_number()
    {
        var index = new RetentionIndex();
        index.AtLeast(42);

        Assert.Equal(0, index.Messages);
        Assert.Equal(43, index.FirstSeq);
        index.Add(43, 5, 0);
        Assert.Equal((43L, 43L, 1L), (index.FirstSeq, index.LastSeq, index.Messages));
    }

    [Fact]
    public void Messages_replayed_after_a_gap_should_start_the_range_again()
    {
        // Recovery replays only what retention left; the snapshot may still count deleted messages.
        var index = Filled(10);
        index.Add(20, 10, 0);

        Assert.Equal(20, index.FirstSeq);
        Assert.Equal(1, index.Messages);
        Assert.Equal(10, index.Bytes);
    }
}
