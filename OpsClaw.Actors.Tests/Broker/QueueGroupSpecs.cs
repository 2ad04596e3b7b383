using System.Globalization;
using System.Text;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>
/// Which member of a queue group a message goes to: by key with rendezvous hashing (stable while the
/// members are, only the leaver's keys move), in turn without a key, and spread evenly either way.
/// </summary>
public sealed class QueueGroupSpecs
{
    private const int Keys = 10_000;

    private static readonly string[] KeyTexts = [.. Enumerable.Range(0, Keys).Select(i => "run-" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Pinned values (computed independently): the hash must not change between processes, runs or versions of .NET.</summary>
    [Theory]
    [InlineData("", 0xefd01f60ba992926)]
    [InlineData("r42", 0xf0d16ca437f1c7fd)]
    [InlineData("runs.r42", 0xac0202734fe59a9b)]
    [InlineData("é✓😀", 0xa9d0ddb15af9aeb7)]
    public void Key_hash_should_be_fnv1a_of_the_utf8_bytes_finished_by_fmix64(string key, ulong expected)
    {
        Assert.Equal(expected, StableHash.OfText(key));
    }

    [Fact]
    public void Key_hash_should_treat_a_lone_surrogate_as_utf8_encoding_does()
    {
        var utf8 = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes("a\uD800b"));

        Assert.Equal(StableHash.OfText(utf8), StableHash.OfText("a\uD800b"));
    }

    [Fact]
    public void Same_key_should_go_to_the_same_member_while_the_members_stay_the_same()
    {
        var group = Group(1, 2, 3, 4, 5);
        var first = KeyTexts.Select(group.ChooseFor).ToArray();

        // Messages without a key in between do not disturb keyed choices.
        for (var i = 0; i < 7; i++)
        {
            group.ChooseFor(null);
        }

        Assert.Equal(first, KeyTexts.Select(group.ChooseFor));

        // The order members joined in does not matter either: the same members, the same choices.
        var shuffled = Group(4, 2, 5, 1, 3);
        Assert.Equal(first, KeyTexts.Select(shuffled.ChooseFor));
    }

    [Fact]
    public void When_a_member_leaves_only_its_keys_should_move_and_they_should_spread_over_the_rest()
    {
        var group = Group(1, 2, 3, 4, 5);
        var before = KeyTexts.Select(group.ChooseFor).ToArray();
        var leaver = new SubscriptionId(3);

        Assert.True(group.Leave(leaver));
        var after = KeyTexts.Select(group.ChooseFor).ToArray();

        var moved = Enumerable.Range(0, Keys).Where(i => before[i] != after[i]).ToList();
        Assert.All(moved, i => Assert.Equal(leaver, before[i]));
        Assert.Equal(before.Count(member => member == leaver), moved.Count);
        Assert.DoesNotContain(leaver, after);

        // The leaver's keys go to each remaining member's share of them, not all to one.
        var shares = moved.GroupBy(i => after[i]).ToDictionary(share => share.Key, share => share.Count());
        Assert.Equal(4, shares.Count);
        AssertEven(shares.Values, moved.Count / 4.0, 0.25);
    }

    [Fact]
    public void When_a_member_joins_only_the_keys_it_takes_should_move()
    {
        var group = Group(1, 2, 3, 4);
        var before = KeyTexts.Select(group.ChooseFor).ToArray();
        var joiner = new SubscriptionId(5);

        group.Join(joiner);
        var after = KeyTexts.Select(group.ChooseFor).ToArray();

        var moved = Enumerable.Range(0, Keys).Where(i => before[i] != after[i]).ToList();
        Assert.All(moved, i => Assert.Equal(joiner, after[i]));
        AssertEven([moved.Count], Keys / 5.0, 0.1);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void Keyed_messages_should_spread_evenly_over_the_members(int members)
    {
        var group = Group([.. Enumerable.Range(1, members)]);

        var counts = KeyTexts.GroupBy(group.ChooseFor).Select(share => share.Count()).ToList();

        Assert.Equal(members, counts.Count);
        AssertEven(counts, (double)Keys / members, 0.1);
    }

    [Fact]
    public void Keyed_spread_should_hold_for_ids_far_apart_and_for_short_keys()
    {
        var group = Group(17, 1_000_003, 42_000_000_000, 9);
        var keys = Enumerable.Range(0, Keys).Select(i => ((char)('a' + (i % 26))).ToString() + (i / 26).ToString(CultureInfo.InvariantCulture));

        var counts = keys.GroupBy(group.ChooseFor).Select(share => share.Count()).ToList();

        Assert.Equal(4, counts.Count);
        AssertEven(counts, Keys / 4.0, 0.1);
    }

    [Fact]
    public void Messages_without_a_key_should_take_turns()
    {
        var group = Group(1, 2, 3);

        Assert.Equal(
            [1, 2, 3, 1, 2, 3, 1],
            Enumerable.Range(0, 7).Select(_ => group.ChooseFor(null).Value));
    }

    [Fact]
    public void Turns_should_stay_within_ten_percent_over_many_messages_even_as_members_change()
    {
        var group = Group(1, 2, 3, 4);
        var counts = new Dictionary<SubscriptionId, int>();
        void Send(int messages)
        {
            for (var i = 0; i < messages; i++)
            {
                var member = group.Choose(null);
                counts[member] = counts.GetValueOrDefault(member) + 1;
            }
        }

        Send(10_000);
        AssertEven(counts.Values, 2500, 0.1);

        // After a leave the cursor stays in range and the remaining three share evenly.
        Assert.True(group.Leave(new SubscriptionId(2)));
        counts.Clear();
        Send(9_000);
        Assert.Equal(3, counts.Count);
        AssertEven(counts.Values, 3000, 0.1);
    }

    [Fact]
    public void Leaving_twice_or_a_non_member_should_change_nothing()
    {
        var group = Group(1, 2);

        Assert.False(group.Leave(new SubscriptionId(9)));
        Assert.True(group.Leave(new SubscriptionId(1)));
        Assert.False(group.Leave(new SubscriptionId(1)));
        Assert.Equal([new SubscriptionId(2)], group.Members.ToArray());
        Assert.Equal(new SubscriptionId(2), group.ChooseFor("any"));
        Assert.Equal(new SubscriptionId(2), group.ChooseFor(null));
    }

    [Fact]
    public void A_group_without_members_should_refuse_to_choose()
    {
        var group = Group(1);
        group.Leave(new SubscriptionId(1));

        Assert.Throws<InvalidOperationException>(() => group.ChooseFor("k"));
        Assert.Throws<InvalidOperationException>(() => group.ChooseFor(null));
        Assert.Throws<ArgumentException>(() => Rendezvous.Choose([], 1));
    }

    [Fact]
    public void Choosing_by_a_precomputed_hash_should_equal_choosing_by_the_key()
    {
        var group = Group(1, 2, 3, 4, 5, 6);

        Assert.All(KeyTexts.Take(500), key => Assert.Equal(group.ChooseFor(key), group.Choose(StableHash.OfText(key))));
    }

    private static QueueGroup Group(params long[] ids)
    {
        var group = new QueueGroup("workers", "jobs.>");
        foreach (var id in ids)
        {
            group.Join(new SubscriptionId(id));
        }

        return group;
    }

    private static void AssertEven(IEnumerable<int> counts, double expected, double tolerance)
    {
        foreach (var count in counts)
        {
            Assert.True(
                Math.Abs(count - expected) <= expected * tolerance,
                $"{count} is more than {tolerance:P0} away from {expected:F0}");
        }
    }
}
