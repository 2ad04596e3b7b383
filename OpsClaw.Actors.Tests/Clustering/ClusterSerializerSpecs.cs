using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using OpsClaw.Actors.Clustering;

namespace OpsClaw.Actors.Tests.Clustering;

/// <summary>
/// What crosses between nodes is written by <see cref="ClusterSerializer"/>, bound in the embedded
/// HOCON: every message reads back equal, and bytes that do not make one whole message are refused.
/// </summary>
public sealed class ClusterSerializerSpecs : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer", IpcDefaults.Config);

    public static TheoryData<object> Messages() =>
    [
        new RemotePublish([
            new RemoteMessage("orders.new", "{\"id\":1,\"tags\":[\"a\",\"é\"]}", "k-1", "run-7", [new RemoteGroup("workers", "orders.>", 42), new RemoteGroup("audit", "orders.*", 0)], Resent: false),
            new RemoteMessage("orders.old", "null", null, null, [], Resent: true),
        ]),
        new RemoteSettled([1, 2, long.MaxValue]),
        new RemoteReturned([]),
        new LedgerCheck([7, 8]),
        new LedgerMissing([9]),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cluster_message_should_read_back_equal_through_the_bound_serializer(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<ClusterSerializer>(serializer);

        var manifest = ((Akka.Serialization.SerializerWithStringManifest)serializer).Manifest(message);
        var back = _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void A_node_interest_should_read_back_equal()
    {
        var interest = new NodeInterest(
            "akka.tcp://opsclaw@10.0.0.1:4053/user/ipc/runtime/broker",
            [new PatternInterest("orders.*", 3), new PatternInterest(">", 1)],
            [new GroupInterest("workers", "jobs.>", 2, Explicit: true), new GroupInterest("tab\tname", "jobs.*", 1, Explicit: false)]);
        var serializer = _system.Serialization.FindSerializerFor(interest);

        var back = ((Akka.Serialization.SerializerWithStringManifest)serializer).FromBinary(serializer.ToBinary(interest), "I1");

        Assert.Equal(interest, back);
    }

    [Fact]
    public void Bytes_cut_short_or_left_over_should_be_refused_rather_than_read_as_something_else()
    {
        var serializer = new ClusterSerializer((ExtendedActorSystem)_system);
        var whole = serializer.ToBinary(new RemoteSettled([1, 2, 3]));

        Assert.Throws<SerializationException>(() => serializer.FromBinary(whole[..^1], "S1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. whole, 0], "S1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(whole, "X"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([0xff, 0xff, 0xff, 0xff], "S1"));
    }

    private static string Describe(object message) => message switch
    {
        RemotePublish publish => string.Join(" | ", publish.Messages.Select(m => $"{m.Topic} {m.Body} {m.Key} {m.RunId} {m.Resent} [{string.Join(",", m.Groups)}]")),
        RemoteSettled settled => "settled " + string.Join(",", settled.Ledger),
        RemoteReturned returned => "returned " + string.Join(",", returned.Ledger),
        LedgerCheck check => "check " + string.Join(",", check.Ledger),
        LedgerMissing missing => "missing " + string.Join(",", missing.Ledger),
        _ => message.ToString() ?? "",
    };

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
