using OpsClaw.Actors.Client;

namespace OpsClaw.Actors.Tests.Client;

/// <summary><see cref="StreamStart"/>: the words and numbers a durable consumer may start from, read as the command line takes them.</summary>
public sealed class StreamStartSpecs
{
    [Theory]
    [InlineData("new", "new", null)]
    [InlineData("all", "all", null)]
    [InlineData("1", "1", 1L)]
    [InlineData("9223372036854775807", "9223372036854775807", long.MaxValue)]
    public void TryParse_should_take_new_all_and_sequence_numbers_from_1(string text, string written, long? seq)
    {
        Assert.True(StreamStart.TryParse(text, out var start));
        Assert.Equal((written, seq), (start!.ToString(), start.Seq));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("1.0")]
    [InlineData("NEW")]
    [InlineData("last")]
    [InlineData("9223372036854775808")]
    public void TryParse_should_refuse_anything_else(string? text)
    {
        Assert.False(StreamStart.TryParse(text, out var start));
        Assert.Null(start);
    }

    [Fact]
    public void Starts_should_equal_by_what_they_say()
    {
        Assert.Equal(StreamStart.AtSeq(7), StreamStart.AtSeq(7));
        Assert.Equal(StreamStart.AtSeq(7).GetHashCode(), StreamStart.AtSeq(7).GetHashCode());
        Assert.NotEqual(StreamStart.AtSeq(1), StreamStart.All);
        Assert.NotEqual(StreamStart.New, StreamStart.All);
        Assert.Same(StreamStart.New, Parse("new"));
    }

    [Fact]
    public void AtSeq_should_refuse_a_number_below_1()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => StreamStart.AtSeq(0));
        Assert.Equal("seq", refused.ParamName);
    }

    private static StreamStart? Parse(string text) => StreamStart.TryParse(text, out var start) ? start : null;
}
