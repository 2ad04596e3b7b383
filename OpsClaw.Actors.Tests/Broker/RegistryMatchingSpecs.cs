using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>
/// The trie against the obvious matcher (every pattern compared with the topic, token by token) on
/// random patterns and topics drawn from a small alphabet, so that wildcards, overlaps and groups
/// meet often. Fixed seeds: a failure is reproducible.
/// </summary>
public sealed class RegistryMatchingSpecs
{
    private static readonly string[] Alphabet = ["a", "b", "c"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Trie_matching_should_agree_with_a_naive_matcher_while_subscriptions_come_and_go(int seed)
    {
        var random = new Random(seed);
        var registry = new SubscriptionRegistry();
        var result = new MatchResult();
        var live = new Dictionary<SubscriptionId, (string[] Pattern, string? Group)>();
        long nextId = 0;

        for (var round = 0; round < 20; round++)
        {
            // Subscriptions come (mostly) and go (some), so pruned and rebuilt nodes are exercised too.
            for (var i = 0; i < 40; i++)
            {
                var pattern = RandomPattern(random);
                var group = random.Next(4) == 0 ? "g" + random.Next(3) : null;
                var id = new SubscriptionId(++nextId);
                registry.Add(id, TopicPattern.Parse(string.Join('.', pattern)), group);
                live.Add(id, (pattern, group));
            }

            foreach (var id in live.Keys.Where(_ => random.Next(3) == 0).ToList())
            {
                Assert.True(registry.Remove(id));
                live.Remove(id);
            }

            for (var i = 0; i < 100; i++)
            {
                var topic = RandomTopic(random);
                registry.Match(string.Join('.', topic), result);

                var matching = live.Where(entry => NaiveMatches(entry.Value.Pattern, topic)).ToList();
                var expectedPlain = matching.Where(entry => entry.Value.Group is null).Select(entry => entry.Key).Order();
                var expectedGroups = matching.Where(entry => entry.Value.Group is not null)
                    .Select(entry => $"{entry.Value.Group} on {string.Join('.', entry.Value.Pattern)}")
                    .Distinct()
                    .Order(StringComparer.Ordinal);

                Assert.Equal(expectedPlain, result.Subscriptions.ToArray().Order());
                Assert.Equal(expectedGroups, result.Groups.ToArray().Select(group => $"{group.Name} on {group.Pattern}").Order(StringComparer.Ordinal));
                Assert.Equal(result.Subscriptions.Length + result.Groups.Length, result.Matched);
            }

            Assert.Equal(live.Count, registry.SubscriptionCount);
            Assert.Equal(live.Values.Select(entry => string.Join('.', entry.Pattern)).Distinct().Count(), registry.PatternCount);
        }

        foreach (var id in live.Keys)
        {
            Assert.True(registry.Remove(id));
        }

        Assert.Equal(0, registry.NodeCount);
        Assert.Equal(0, registry.PatternCount);
    }

    [Theory]
    [InlineData(new[] { "runs", "*" }, new[] { "runs", "r42" }, true)]
    [InlineData(new[] { "runs", "*" }, new[] { "runs" }, false)]
    [InlineData(new[] { "runs", "*" }, new[] { "runs", "r42", "x" }, false)]
    [InlineData(new[] { "runs", ">" }, new[] { "runs", "r42" }, true)]
    [InlineData(new[] { "runs", ">" }, new[] { "runs", "r42", "x" }, true)]
    [InlineData(new[] { "runs", ">" }, new[] { "runs" }, false)]
    public void The_naive_matcher_itself_should_follow_the_rules(string[] pattern, string[] topic, bool matches)
    {
        Assert.Equal(matches, NaiveMatches(pattern, topic));
    }

    private static bool NaiveMatches(string[] pattern, string[] topic)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == ">")
            {
                return topic.Length > i;
            }

            if (i >= topic.Length || (pattern[i] != "*" && pattern[i] != topic[i]))
            {
                return false;
            }
        }

        return pattern.Length == topic.Length;
    }

    private static string[] RandomPattern(Random random)
    {
        var tokens = new string[random.Next(1, 6)];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.Next(3) == 0 ? "*" : Alphabet[random.Next(Alphabet.Length)];
        }

        if (random.Next(4) == 0)
        {
            tokens[^1] = ">";
        }

        return tokens;
    }

    private static string[] RandomTopic(Random random)
    {
        var tokens = new string[random.Next(1, 7)];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return tokens;
    }
}
