namespace OpsClaw.Actors.Tests.Streams;

public sealed class TopicMatchingSpecs
{
    [Theory]
    [InlineData("orders.>", "orders.new", true)]
    [InlineData("orders.>", "orders.eu.new", true)]
    [InlineData("orders.>", "orders", false)]
    [InlineData("orders.*", "orders.new", true)]
    [InlineData("orders.*", "orders.eu.new", false)]
    [InlineData("*.new", "orders.new", true)]
    [InlineData("orders.new", "orders.new", true)]
    [InlineData("orders.new", "orders.newer", false)]
    [InlineData("orders.new", "orders", false)]
    [InlineData(">", "a", true)]
    public void A_topic_should_match_as_the_registry_matches(string pattern, string topic, bool matches) =>
        Assert.Equal(matches, TopicSyntax.Matches(pattern, topic));

    [Theory]
    [InlineData("orders.>", "orders.*", true)]
    [InlineData("orders.>", "orders", false)]
    [InlineData("orders.*", "*.new", true)]
    [InlineData("orders.*", "orders.*.x", false)]
    [InlineData("a.b", "a.c", false)]
    [InlineData(">", "x.y.z", true)]
    [InlineData("a.*.c", "a.b.*", true)]
    public void Two_patterns_should_overlap_when_a_topic_matches_both(string a, string b, bool overlap)
    {
        Assert.Equal(overlap, TopicSyntax.Overlap(a, b));
        Assert.Equal(overlap, TopicSyntax.Overlap(b, a));
    }
}
