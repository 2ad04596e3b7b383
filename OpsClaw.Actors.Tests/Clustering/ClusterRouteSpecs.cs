using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Clustering;

namespace OpsClaw.Actors.Tests.Clustering;

/// <summary>
/// Where a publish goes in a cluster (<see cref="ClusterRoute"/>): to every node with a matching
/// plain subscription, and to exactly one node per matching queue group, chosen alike on every node.
/// </summary>
public sealed class ClusterRouteSpecs
{
    private const string A = "akka.tcp://opsclaw@10.0.0.1:4053";
    private const string B = "akka.tcp://opsclaw@10.0.0.2:4053";
    private const string C = "akka.tcp://opsclaw@10.0.0.3:4053";

    private static NodeInterest Interest(string node, PatternInterest[]? patterns = null, GroupInterest[]? groups = null) =>
        new(node + "/user/ipc/runtime/broker", patterns ?? [], groups ?? []);

    [Fact]
    public void A_publish_should_go_to_each_node_with_a_matching_pattern_once_counting_its_subscriptions()
    {
        var route = new ClusterRoute(A);
        route.Interest.Set(B + "#1", B, Interest(B, [new PatternInterest("orders.*", 2), new PatternInterest("orders.>", 1)]));
        route.Interest.Set(C + "#1", C, Interest(C, [new PatternInterest("invoices.>", 4)]));

        route.Plan("orders.new", null, new MatchResult());

        Assert.Equal(3, route.RemoteMatched);
        Assert.Equal([B], route.Targets.Keys.Select(node => node.Address));
        Assert.Empty(route.Targets.Single().Value);

        route.Plan("audit.x", null, new MatchResult());
        Assert.Equal(0, route.RemoteMatched);
        Assert.Empty(route.Targets);
    }

    [Fact]
    public void A_keyed_message_of_a_group_should_go_to_the_same_node_whichever_node_publishes_it()
    {
        // Each node sees the others' members through the registry and its own through its local registry.
        var routes = new Dictionary<string, (ClusterRoute Route, SubscriptionRegistry Local)>();
        var members = new Dictionary<string, int> { [A] = 1, [B] = 2, [C] = 3 };
        foreach (var self in members.Keys)
        {
            var route = new ClusterRoute(self);
            foreach (var (other, count) in members.Where(pair => pair.Key != self))
            {
                route.Interest.Set(other + "#1", other, Interest(other, groups: [new GroupInterest("workers", "jobs.>", count, Explicit: true)]));
            }

            var local = new SubscriptionRegistry();
            for (var i = 1; i <= members[self]; i++)
            {
                local.Add(new SubscriptionId(i), TopicPattern.Parse("jobs.>"), "workers");
            }

            routes[self] = (route, local);
        }

        var chosenCounts = members.Keys.ToDictionary(node => node, _ => 0);
        for (var k = 0; k < 600; k++)
        {
            var keyHash = StableHash.OfText("key-" + k);
            var chosen = routes.Select(pair => ChosenNode(pair.Key, pair.Value.Route, pair.Value.Local, keyHash)).Distinct().ToList();
            var node = Assert.Single(chosen);
            chosenCounts[node]++;
        }

        // Weighted by members: 1, 2 and 3 of 6, give or take.
        Assert.InRange(chosenCounts[A], 60, 150);
        Assert.InRange(chosenCounts[B], 140, 260);
        Assert.InRange(chosenCounts[C], 230, 370);
    }

    [Fact]
    public void Messages_without_a_key_should_take_turns_over_every_member_of_every_node()
    {
        var route = new ClusterRoute(A);
        route.Interest.Set(B + "#1", B, Interest(B, groups: [new GroupInterest("workers", "jobs.>", 2, Explicit: false)]));
        var local = new SubscriptionRegistry();
        local.Add(new SubscriptionId(1), TopicPattern.Parse("jobs.>"), "workers");

        var chosen = Enumerable.Range(0, 30).Select(_ => ChosenNode(A, route, local, keyHash: null)).ToList();

        Assert.Equal(10, chosen.Count(node => node == A));
        Assert.Equal(20, chosen.Count(node => node == B));
    }

    [Fact]
    public void A_group_with_members_here_and_elsewhere_should_count_once_and_be_delivered_here_only_when_chosen()
    {
        var route = new ClusterRoute(A);
        route.Interest.Set(B + "#1", B, Interest(B, groups: [new GroupInterest("workers", "jobs.>", 1, Explicit: true)]));
        var local = new SubscriptionRegistry();
        var group = local.Add(new SubscriptionId(1), TopicPattern.Parse("jobs.>"), "workers")!;
        var match = new MatchResult();
        local.Match("jobs.run", match);

        var servedHere = 0;
        for (var k = 0; k < 100; k++)
        {
            route.Plan("jobs.run", StableHash.OfText("k" + k), match);
            Assert.Equal(0, route.RemoteMatched);
            var elsewhere = route.ServedElsewhere(group);
            Assert.Equal(elsewhere, route.Targets.Count == 1);
            if (elsewhere)
            {
                Assert.Equal(new GroupPick(new GroupName("workers", "jobs.>"), Explicit: true), Assert.Single(route.Targets.Single().Value));
            }
            else
            {
                servedHere++;
            }
        }

        Assert.InRange(servedHere, 25, 75);
    }

    [Fact]
    public void Routing_again_should_leave_out_the_node_that_went_away_and_find_nobody_when_no_member_is_left()
    {
        var route = new ClusterRoute(A);
        var workers = new GroupName("workers", "jobs.>");
        route.Interest.Set(B + "#1", B, Interest(B, groups: [new GroupInterest("workers", "jobs.>", 1, Explicit: true)]));
        route.Interest.Set(C + "#1", C, Interest(C, groups: [new GroupInterest("workers", "jobs.>", 1, Explicit: true)]));

        for (var k = 0; k < 50; k++)
        {
            var (found, node) = route.ChooseAgain(workers, StableHash.OfText("k" + k), localMembers: 0, excluded: B + "#1");
            Assert.True(found);
            Assert.Equal(C, node!.Address);
        }

        var withLocal = route.ChooseAgain(workers, null, localMembers: 1, excluded: C + "#1");
        Assert.True(withLocal.Found);
        Assert.True(withLocal.Node is null || withLocal.Node.Address == B);
        route.Interest.Remove(C + "#1");
        Assert.False(route.ChooseAgain(workers, StableHash.OfText("k"), localMembers: 0, excluded: B + "#1").Found);
    }

    /// <summary>The node a plan made on <paramref name="self"/> serves the group's message on.</summary>
    private static string ChosenNode(string self, ClusterRoute route, SubscriptionRegistry local, ulong? keyHash)
    {
        var match = new MatchResult();
        local.Match("jobs.run", match);
        route.Plan("jobs.run", keyHash, match);
        return route.Targets.Count == 0 ? self : Assert.Single(route.Targets, target => target.Value.Count > 0).Key.Address;
    }
}
