using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>The subscription trie: which subscriptions and groups a topic matches, groups once, and nodes pruned when subscriptions go.</summary>
public sealed class SubscriptionRegistrySpecs
{
    private readonly SubscriptionRegistry _registry = new();
    private readonly MatchResult _result = new();
    private long _nextId;

    [Theory]
    [InlineData("runs.r42", true)]
    [InlineData("runs", false)]
    [InlineData("runs.r42.x", false)]
    [InlineData("other.r42", false)]
    public void One_token_wildcard_should_match_exactly_one_token(string topic, bool matches)
    {
        var star = Subscribe("runs.*");

        Assert.Equal(matches ? [star] : [], Match(topic));
    }

    [Theory]
    [InlineData("runs.r42", true)]
    [InlineData("runs.r42.x", true)]
    [InlineData("runs.a.b.c.d.e", true)]
    [InlineData("runs", false)]
    [InlineData("other.r42", false)]
    public void Tail_wildcard_should_match_one_or_more_tokens(string topic, bool matches)
    {
        var tail = Subscribe("runs.>");

        Assert.Equal(matches ? [tail] : [], Match(topic));
    }

    [Fact]
    public void A_literal_pattern_should_match_only_its_own_topic()
    {
        var exact = Subscribe("runs.r42");

        Assert.Equal([exact], Match("runs.r42"));
        Assert.Empty(Match("runs.r43"));
        Assert.Empty(Match("runs"));
        Assert.Empty(Match("runs.r42.x"));
        Assert.Empty(Match("Runs.r42"));
    }

    [Fact]
    public void A_lone_tail_should_match_every_topic_and_a_lone_star_every_one_token_topic()
    {
        var all = Subscribe(">");
        var single = Subscribe("*");

        Assert.Equal(Ids(all, single), Match("runs"));
        Assert.Equal([all], Match("runs.r42"));
        Assert.Equal([all], Match("a.b.c.d"));
    }

    [Fact]
    public void Overlapping_patterns_should_each_match_once()
    {
        var exact = Subscribe("runs.r42.status");
        var middle = Subscribe("runs.*.status");
        var first = Subscribe("*.r42.status");
        var stars = Subscribe("*.*.*");
        var tail = Subscribe("runs.>");
        var all = Subscribe(">");
        var deeper = Subscribe("runs.r42.>");
        var other = Subscribe("runs.*.log");
        var tooShort = Subscribe("runs.*");

        Assert.Equal(Ids(exact, middle, first, stars, tail, all, deeper), Match("runs.r42.status"));
        Assert.Equal(7, _result.Matched);
        Assert.Equal(Ids(stars, tail, all, deeper, other), Match("runs.r42.log"));
        Assert.Equal(Ids(tail, all, tooShort), Match("runs.r7"));
        Assert.Equal([all], Match("jobs"));
    }

    [Fact]
    public void Wildcards_should_work_at_every_depth()
    {
        var a = Subscribe("*.b.c.d");
        var b = Subscribe("a.*.c.d");
        var c = Subscribe("a.b.*.d");
        var d = Subscribe("a.b.c.*");
        var e = Subscribe("a.>");
        var f = Subscribe("a.b.>");
        var g = Subscribe("a.b.c.>");
        var h = Subscribe("a.b.c.d.>");
        var i = Subscribe("*.*.c.>");

        Assert.Equal(Ids(a, b, c, d, e, f, g, i), Match("a.b.c.d"));
        Assert.Equal(Ids(e, f, g, h, i), Match("a.b.c.d.e"));
        Assert.Equal(Ids(e, i), Match("a.x.c.x"));
        Assert.Equal(Ids(a, i), Match("x.b.c.d"));
        Assert.Equal(Ids(d, e, f, g, i), Match("a.b.c.x"));
        Assert.Equal([e], Match("a.b"));
        Assert.Empty(Match("a"));
    }

    [Fact]
    public void A_literal_and_a_star_at_the_same_node_should_both_be_followed()
    {
        var literal = Subscribe("a.b.c");
        var starThenLiteral = Subscribe("a.*.c");
        var literalThenStar = Subscribe("a.b.*");
        var bothStars = Subscribe("a.*.*");

        Assert.Equal(Ids(literal, starThenLiteral, literalThenStar, bothStars), Match("a.b.c"));
        Assert.Equal(Ids(starThenLiteral, bothStars), Match("a.x.c"));
        Assert.Equal(Ids(literalThenStar, bothStars), Match("a.b.x"));
    }

    [Fact]
    public void Many_subscriptions_on_one_pattern_should_share_one_node_and_all_match()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => Subscribe("runs.*")).ToList();

        Assert.Equal(2, _registry.NodeCount);
        Assert.Equal(1, _registry.PatternCount);
        Assert.Equal(1000, _registry.SubscriptionCount);
        Assert.Equal(ids, Match("runs.r1"));
        Assert.Equal(1000, _result.Matched);
    }

    [Fact]
    public void A_group_should_count_once_however_many_members_match()
    {
        var plain = Subscribe("runs.*");
        var w1 = Subscribe("runs.*", "workers");
        var w2 = Subscribe("runs.*", "workers");
        var w3 = Subscribe("runs.*", "workers");

        _registry.Match("runs.r42", _result);

        Assert.Equal([plain], _result.Subscriptions.ToArray());
        var group = Assert.Single(_result.Groups.ToArray());
        Assert.Equal("workers", group.Name);
        Assert.Equal("runs.*", group.Pattern);
        Assert.Equal(Ids(w1, w2, w3), group.Members.ToArray().Order());
        Assert.Equal(2, _result.Matched);
    }

    [Fact]
    public void Same_group_name_under_another_pattern_should_be_another_group()
    {
        Subscribe("runs.*", "workers");
        Subscribe("runs.>", "workers");
        Subscribe("runs.*", "auditors");

        _registry.Match("runs.r42", _result);

        Assert.Equal(
            ["auditors on runs.*", "workers on runs.*", "workers on runs.>"],
            _result.Groups.ToArray().Select(group => $"{group.Name} on {group.Pattern}").Order(StringComparer.Ordinal));
        Assert.Equal(3, _result.Matched);
        Assert.Equal(2, _registry.PatternCount);
    }

    [Fact]
    public void Add_should_return_the_group_joined_and_the_same_group_for_each_member()
    {
        Assert.Null(_registry.Add(NextId(), TopicPattern.Parse("runs.*")));
        var first = _registry.Add(NextId(), TopicPattern.Parse("runs.*"), "workers");
        var second = _registry.Add(NextId(), TopicPattern.Parse("runs.*"), "workers");

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Equal(2, first.MemberCount);
    }

    [Fact]
    public void Adding_an_id_twice_should_be_refused()
    {
        var id = Subscribe("runs.*");

        Assert.Throws<ArgumentException>(() => _registry.Add(id, TopicPattern.Parse("jobs.*")));
        Assert.Equal(1, _registry.SubscriptionCount);
    }

    [Fact]
    public void Removing_should_stop_matching_and_removing_the_last_should_prune_every_node()
    {
        var ids = new[]
        {
            Subscribe("a.b.c.d"), Subscribe("a.b.c.d"), Subscribe("a.*.c"), Subscribe("a.>"), Subscribe(">"),
            Subscribe("a.b.c.d", "g1"), Subscribe("a.b.c.d", "g1"), Subscribe("x.y", "g2"), Subscribe("*.*.*.*.*.*.>"),
        };
        Assert.Equal(17, _registry.NodeCount);
        Assert.Equal(6, _registry.PatternCount);

        Assert.True(_registry.Remove(ids[0]));
        Assert.Equal(Ids(ids[1], ids[3], ids[4]), Match("a.b.c.d"));
        Assert.Equal(17, _registry.NodeCount);

        foreach (var id in ids.Skip(1))
        {
            Assert.True(_registry.Remove(id));
        }

        Assert.Equal(0, _registry.NodeCount);
        Assert.Equal(0, _registry.PatternCount);
        Assert.Equal(0, _registry.SubscriptionCount);
        Assert.Empty(_registry.Patterns());
        Assert.Empty(Match("a.b.c.d"));
        Assert.Empty(_result.Groups.ToArray());
    }

    [Fact]
    public void Removing_a_leaf_should_keep_the_nodes_other_patterns_still_use()
    {
        var shorter = Subscribe("a.b");
        var longer = Subscribe("a.b.c.d");

        _registry.Remove(longer);

        Assert.Equal(2, _registry.NodeCount);
        Assert.Equal([shorter], Match("a.b"));

        _registry.Add(longer, TopicPattern.Parse("a.b.c.d"));
        _registry.Remove(shorter);

        Assert.Equal(4, _registry.NodeCount);
        Assert.Equal([longer], Match("a.b.c.d"));
        Assert.Empty(Match("a.b"));
    }

    [Fact]
    public void Removing_an_unknown_or_removed_id_should_return_false()
    {
        var id = Subscribe("runs.*");

        Assert.False(_registry.Remove(new SubscriptionId(999)));
        Assert.True(_registry.Remove(id));
        Assert.False(_registry.Remove(id));
        Assert.False(_registry.Contains(id));
    }

    [Fact]
    public void A_group_should_lose_members_and_go_with_its_last_one()
    {
        var w1 = Subscribe("jobs.*", "workers");
        var w2 = Subscribe("jobs.*", "workers");

        Assert.True(_registry.Remove(w1, out var left));
        Assert.NotNull(left);
        Assert.Equal([w2], left.Members.ToArray());
        _registry.Match("jobs.j1", _result);
        Assert.Same(left, Assert.Single(_result.Groups.ToArray()));

        Assert.True(_registry.Remove(w2, out var emptied));
        Assert.Same(left, emptied);
        Assert.Equal(0, emptied!.MemberCount);
        Assert.Equal(0, _registry.NodeCount);
        _registry.Match("jobs.j1", _result);
        Assert.Equal(0, _result.Matched);

        // A group of the same name made afterwards is a new one.
        Subscribe("jobs.*", "workers");
        _registry.Match("jobs.j1", _result);
        Assert.NotSame(left, Assert.Single(_result.Groups.ToArray()));
    }

    [Fact]
    public void Swap_removal_should_keep_every_other_plain_subscription_matching()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => Subscribe("runs.*")).ToList();
        var random = new Random(7);
        var live = ids.ToHashSet();
        foreach (var id in ids.OrderBy(_ => random.Next()).Take(35))
        {
            Assert.True(_registry.Remove(id));
            live.Remove(id);
            Assert.Equal(live.Order(), Match("runs.x"));
        }
    }

    [Fact]
    public void The_match_buffer_should_be_cleared_on_each_match()
    {
        var a = Subscribe("a");
        Subscribe("b", "g");

        _registry.Match("b", _result);
        Assert.Single(_result.Groups.ToArray());

        _registry.Match("a", _result);
        Assert.Equal([a], _result.Subscriptions.ToArray());
        Assert.Empty(_result.Groups.ToArray());
        Assert.Equal(1, _result.Matched);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".a")]
    public void A_topic_with_an_empty_token_should_match_no_wildcard(string topic)
    {
        Subscribe("*");
        Subscribe("*.*");
        Subscribe("*.*.*");

        Assert.Empty(Match(topic));
    }

    [Fact]
    public void Patterns_should_list_every_live_pattern_with_its_subscriptions_and_groups_in_order()
    {
        var s1 = Subscribe("runs.*");
        var s2 = Subscribe("runs.*");
        var w1 = Subscribe("runs.*", "workers");
        var a1 = Subscribe("runs.*", "auditors");
        var w2 = Subscribe("runs.*", "workers");
        var all = Subscribe(">");
        var g = Subscribe("jobs.>", "q");
        _registry.Remove(s1);

        var patterns = _registry.Patterns();

        Assert.Equal([">", "jobs.>", "runs.*"], patterns.Select(pattern => pattern.Pattern));
        Assert.Equal([all], patterns[0].Subscriptions);
        Assert.Empty(patterns[0].Groups);
        Assert.Empty(patterns[1].Subscriptions);
        Assert.Equal("q", Assert.Single(patterns[1].Groups).Name);
        Assert.Equal([g], patterns[1].Groups[0].Members);
        Assert.Equal([s2], patterns[2].Subscriptions);
        Assert.Equal(["auditors", "workers"], patterns[2].Groups.Select(group => group.Name));
        Assert.Equal([a1], patterns[2].Groups[0].Members);
        Assert.Equal(Ids(w1, w2), patterns[2].Groups[1].Members);
        Assert.Equal(3, _registry.PatternCount);
    }

    [Fact]
    public void Matching_should_not_allocate_once_the_buffer_has_grown()
    {
        Subscribe("runs.*");
        Subscribe("runs.>");
        Subscribe("runs.r42", "g");
        Subscribe("*.r42");
        _registry.Match("runs.r42", _result);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _registry.Match("runs.r42", _result);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(4, _result.Matched);
    }

    private SubscriptionId NextId() => new(++_nextId);

    private SubscriptionId Subscribe(string pattern, string? group = null)
    {
        var id = NextId();
        _registry.Add(id, TopicPattern.Parse(pattern), group);
        return id;
    }

    /// <summary>The plain subscriptions the topic matches, ordered by id.</summary>
    private SubscriptionId[] Match(string topic)
    {
        _registry.Match(topic, _result);
        return [.. _result.Subscriptions.ToArray().Order()];
    }

    private static SubscriptionId[] Ids(params SubscriptionId[] ids) => [.. ids.Order()];
}
