using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Clustering;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Metrics;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The broker's part in a cluster (docs/cluster.md): it publishes this node's interest (patterns
/// and groups) to the replicated registry, an Akka.DistributedData map of node to interest; keeps
/// the other nodes' interest from it; plans where each publish goes (<see cref="ClusterRoute"/>);
/// and sends the publishes for each other node as one <see cref="RemotePublish"/> per handled
/// message. A node removed from the cluster (left, or downed by the split-brain resolver) is
/// dropped from the registry by every node that sees it go.
/// <para>
/// A message this node routes to an explicit-ack group on another node stays in this node's
/// ledger until that node says it was acknowledged (<see cref="RemoteSettled"/>). When that node
/// is removed, or gives a message back (<see cref="RemoteReturned"/>: its members left), the
/// message is routed again among the group's members elsewhere, marked redelivered. So the
/// unacknowledged work of a node that crashes is not lost while the publishing node lives. The
/// ledger is bounded per node by <c>max-queued</c>: past it, a publish is refused <c>overloaded</c>.
/// </para>
/// </summary>
internal sealed class BrokerCluster
{
    /// <summary>The replicated registry: node (address#uid) → its interest.</summary>
    public static readonly LWWDictionaryKey<string, NodeInterest> InterestKey = new("opsclaw-broker-interest");

    /// <summary>The most characters of text in one <see cref="RemotePublish"/>: 4 Mi characters are at most 12 MiB of UTF-8, under the 16 MiB frame.</summary>
    private const long FrameChars = 4L * 1024 * 1024;

    private static readonly TimeSpan ParkedRetryEvery = TimeSpan.FromSeconds(1);

    /// <summary>How long an interest update waits for every node's acknowledgement before it is left to gossip.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3);

    private readonly Akka.Cluster.Cluster _cluster;
    private readonly IActorRef _replicator;
    private readonly IActorRef _self;
    private readonly ActorSystem _system;
    private readonly string _selfKey;
    private readonly string _selfAddress;
    private readonly string _brokerPath;
    private readonly ClusterRoute _route;
    private readonly Dictionary<RemoteNode, List<RemoteMessage>> _outbox = [];
    private readonly Dictionary<string, IActorRef> _brokers = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log;
    /// <summary>Nodes removed from the cluster, so a registry update that still lists one does not bring it back; bounded.</summary>
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private NodeInterest? _written;
    private bool _flushScheduled;

    /// <summary>Messages routed to explicit-ack groups on other nodes and not yet acknowledged there, by ledger number.</summary>
    private readonly Dictionary<long, Ledgered> _ledger = [];

    /// <summary>How many of <see cref="_ledger"/> each node holds.</summary>
    private readonly Dictionary<string, int> _heldBy = new(StringComparer.Ordinal);

    /// <summary>Messages no member could take when they were routed again, retried every <see cref="ParkedRetryEvery"/>.</summary>
    private readonly List<Parked> _parked = [];

    private readonly int _maxHeld;
    private readonly TimeSpan _auditEvery;
    private bool _retryScheduled;
    private bool _auditScheduled;
    private readonly HashSet<UniqueAddress> _up = [];
    private long _lastLedger;

    /// <param name="context">The broker's context.</param>
    /// <param name="maxHeld">The most unacknowledged messages this node lets one other node hold (<c>max-queued</c>).</param>
    /// <param name="ackWait">How long a message may stay in the ledger before the node holding it is asked whether it has it.</param>
    public BrokerCluster(IActorContext context, int maxHeld, TimeSpan ackWait)
    {
        _maxHeld = maxHeld;
        _auditEvery = ackWait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : ackWait > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : ackWait;
        _system = context.System;
        _self = context.Self;
        _log = context.GetLogger();
        _cluster = Akka.Cluster.Cluster.Get(_system);
        _replicator = DistributedData.Get(_system).Replicator;
        _selfAddress = _cluster.SelfAddress.ToString();
        _selfKey = KeyOf(_cluster.SelfUniqueAddress);
        _brokerPath = _self.Path.ToStringWithAddress(_cluster.SelfAddress);
        _route = new ClusterRoute(_selfAddress);
        _replicator.Tell(Dsl.Subscribe(InterestKey, _self));
        _cluster.Subscribe(_self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));

        // A restarted broker starts its numbers elsewhere: queues on other nodes may still hold numbers of
        // the previous instance, which must not settle or return this one's.
        _lastLedger = Random.Shared.NextInt64(1, 1L << 62);

        // A restarted broker has no subscriptions: what the previous instance wrote is replaced at once.
        InterestChanged();
    }

    /// <summary>A member is up: counted on the meter.</summary>
    public void OnUp(ClusterEvent.MemberUp up)
    {
        if (_up.Add(up.Member.UniqueAddress))
        {
            IpcMeter.ClusterMembers.Add(1);
        }
    }

    /// <summary>The broker stops: what it counted on the meter is taken back, so a restarted broker does not count twice.</summary>
    public void Stop()
    {
        IpcMeter.ClusterMembers.Add(-_up.Count);
        IpcMeter.ClusterLedger.Add(-_ledger.Count);
        _up.Clear();
        _ledger.Clear();
        _parked.Clear();
        _heldBy.Clear();
        _cluster.Unsubscribe(_self);
    }

    /// <summary>Told to the broker to write its interest once, however many subscriptions changed meanwhile.</summary>
    public sealed class FlushInterest
    {
        public static readonly FlushInterest Instance = new();

        private FlushInterest()
        {
        }
    }

    public ClusterRoute Route => _route;

    /// <summary>Subscriptions changed here: the interest is written after the current message.</summary>
    public void InterestChanged()
    {
        if (!_flushScheduled)
        {
            _flushScheduled = true;
            _self.Tell(FlushInterest.Instance);
        }
    }

    /// <summary>Writes this node's interest when it differs from what was written last.</summary>
    public void Flush(SubscriptionRegistry registry, Func<string, string, bool> isExplicit)
    {
        _flushScheduled = false;
        var interest = NodeInterest.Of(_brokerPath, registry.Patterns(), isExplicit);
        if (interest.Equals(_written))
        {
            return;
        }

        _written = interest;
        var node = _cluster.SelfUniqueAddress;
        _replicator.Tell(Dsl.Update(InterestKey, LWWDictionary<string, NodeInterest>.Empty, new WriteAll(WriteTimeout), map => map.SetItem(node, _selfKey, interest)));
    }

    /// <summary>The registry changed: the other nodes' interest is taken from it.</summary>
    /// <returns>Whether anything changed.</returns>
    public bool OnChanged(Changed changed)
    {
        if (!changed.Key.Equals(InterestKey))
        {
            return false;
        }

        var map = changed.Get(InterestKey);
        var members = MembersByKey();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var (key, interest) in map.Entries)
        {
            var address = AddressOf(key);
            if (address == _selfAddress || !IsMember(key, members))
            {
                continue;
            }

            seen.Add(key);
            any |= _route.Interest.Set(key, address, interest);
        }

        foreach (var gone in _route.Interest.Nodes.Keys.Where(node => !seen.Contains(node)).ToList())
        {
            any |= _route.Interest.Remove(gone);
        }

        return any;
    }

    /// <summary>
    /// A member was removed: its interest goes, here and in the registry, and what it held of this
    /// node's messages is taken out of the ledger to be routed again.
    /// </summary>
    /// <returns>Whether the interest changed, and the messages to route again.</returns>
    public (bool InterestChanged, List<Ledgered> Held) OnRemoved(ClusterEvent.MemberRemoved removed)
    {
        var key = KeyOf(removed.Member.UniqueAddress);
        if (_removed.Count >= 1000)
        {
            _removed.Clear();
        }

        _removed.Add(key);
        if (_up.Remove(removed.Member.UniqueAddress))
        {
            IpcMeter.ClusterMembers.Add(-1);
        }

        var node = _cluster.SelfUniqueAddress;
        _replicator.Tell(Dsl.Update(InterestKey, LWWDictionary<string, NodeInterest>.Empty, WriteLocal.Instance, map => map.Remove(node, key)));
        _brokers.Remove(key);
        return (_route.Interest.Remove(key), TakeHeldBy(key));
    }

    /// <summary>The ack mode of a group's members on other nodes when it differs from <paramref name="ack"/>; null when it does not or none is known.</summary>
    public AckMode? AckElsewhere(GroupName group, AckMode ack)
    {
        foreach (var id in _route.Interest.MembersOf(group))
        {
            var elsewhere = _route.Interest.EntryOf(id).Explicit ? AckMode.Explicit : AckMode.None;
            if (elsewhere != ack)
            {
                return elsewhere;
            }
        }

        return null;
    }

    /// <summary>Why the last plan cannot be taken: a node holds as many of this node's unacknowledged messages as it may; null when it can.</summary>
    public string? Refusal()
    {
        foreach (var (node, picks) in _route.Targets)
        {
            foreach (var pick in picks)
            {
                var held = _heldBy.GetValueOrDefault(node.Key);
                if (pick.Explicit && held >= _maxHeld)
                {
                    return $"group '{pick.Group.Name}' on '{pick.Group.Pattern}' (node {node.Address} holds {held} messages from this node unacknowledged)";
                }
            }
        }

        return null;
    }

    /// <summary>Queues the last plan's remote deliveries of <paramref name="message"/>, sent by <see cref="SendAll"/>.</summary>
    public void Commit(PublishedMessage message)
    {
        foreach (var (node, picks) in _route.Targets)
        {
            var groups = picks.Count == 0 ? [] : new RemoteGroup[picks.Count];
            for (var i = 0; i < picks.Count; i++)
            {
                var pick = picks[i];
                groups[i] = new RemoteGroup(pick.Group.Name, pick.Group.Pattern, pick.Explicit ? Ledger(message, node.Key, pick.Group) : 0);
            }

            Outbox(node).Add(new RemoteMessage(message.Topic, message.Body, message.Key, message.RunId, groups, Resent: false));
        }

        _route.Clear();
    }

    /// <summary>Sends one message of an explicit-ack group to another node again, in the ledger under a new number.</summary>
    public void Resend(RemoteNode node, PublishedMessage message, GroupName group) =>
        Outbox(node).Add(new RemoteMessage(
            message.Topic, message.Body, message.Key, message.RunId, [new RemoteGroup(group.Name, group.Pattern, Ledger(message, node.Key, group))], Resent: true));

    /// <summary>Messages acknowledged on the node that held them: forgotten. Only numbers that node holds count.</summary>
    public void OnSettled(RemoteSettled settled, IActorRef sender)
    {
        foreach (var number in settled.Ledger)
        {
            Forget(number, sender);
        }
    }

    /// <summary>The messages a node gave back (only numbers it holds), taken out of the ledger to be routed again.</summary>
    public List<Ledgered> TakeReturned(RemoteReturned returned, IActorRef sender)
    {
        var taken = new List<Ledgered>(returned.Ledger.Length);
        foreach (var number in returned.Ledger)
        {
            if (Forget(number, sender) is { } entry)
            {
                taken.Add(entry);
            }
        }

        return taken;
    }

    /// <summary>Keeps a message that no member can take now (the one node with members gave it back, full, or none is left); tried again every second, for ack-wait.</summary>
    public void Park(Ledgered entry, DateTime since)
    {
        _parked.Add(new Parked(entry, since));
        if (!_retryScheduled)
        {
            _retryScheduled = true;
            _system.Scheduler.ScheduleTellOnce(ParkedRetryEvery, _self, RetryParked.Instance, _self);
        }
    }

    /// <summary>Every parked message, taken to be routed again; what is parked again is retried a second later.</summary>
    public List<Parked> TakeParked()
    {
        _retryScheduled = false;
        var taken = new List<Parked>(_parked);
        _parked.Clear();
        return taken;
    }

    /// <summary>
    /// Asks each node about the messages it has held for longer than the audit period: a message lost
    /// on the way (the connection between the nodes failed and recovered, the node's broker restarted)
    /// would otherwise stay in the ledger, undelivered, until that node leaves. At most 10,000 numbers per
    /// node each time.
    /// </summary>
    public void Audit()
    {
        _auditScheduled = false;
        if (_ledger.Count == 0)
        {
            return;
        }

        var before = DateTime.UtcNow - _auditEvery;
        foreach (var byNode in _ledger.Where(pair => pair.Value.SentAt < before).GroupBy(pair => pair.Value.Node))
        {
            if (_route.Interest.Nodes.GetValueOrDefault(byNode.Key) is { } node)
            {
                BrokerOf(node).Tell(new LedgerCheck([.. byNode.Select(pair => pair.Key).Take(10_000)]), _self);
            }
        }

        _auditScheduled = true;
        _system.Scheduler.ScheduleTellOnce(_auditEvery, _self, AuditLedger.Instance, _self);
    }

    /// <summary>The messages a node says it does not hold, taken out of the ledger to be routed again.</summary>
    public List<Ledgered> TakeMissing(LedgerMissing missing, IActorRef sender) => TakeReturned(new RemoteReturned(missing.Ledger), sender);

    /// <summary>Every message a node held, taken out of the ledger to be routed again (the node was removed).</summary>
    private List<Ledgered> TakeHeldBy(string node)
    {
        if (!_heldBy.ContainsKey(node))
        {
            return [];
        }

        var numbers = _ledger.Where(pair => pair.Value.Node == node).Select(pair => pair.Key).Order().ToList();
        return [.. numbers.Select(number => Forget(number)!)];
    }

    /// <summary>Messages in the ledger: routed to explicit-ack groups on other nodes and not yet acknowledged there.</summary>
    public int LedgerCount => _ledger.Count;

    private long Ledger(PublishedMessage message, string node, GroupName group)
    {
        var number = ++_lastLedger;
        _ledger.Add(number, new Ledgered(message, node, group, DateTime.UtcNow));
        if (!_auditScheduled)
        {
            _auditScheduled = true;
            _system.Scheduler.ScheduleTellOnce(_auditEvery, _self, AuditLedger.Instance, _self);
        }

        IpcMeter.ClusterLedger.Add(1);
        _heldBy[node] = _heldBy.GetValueOrDefault(node) + 1;
        return number;
    }

    private Ledgered? Forget(long number, IActorRef? sender = null)
    {
        if (!_ledger.TryGetValue(number, out var entry)
            || (sender is not null && AddressOf(entry.Node) != sender.Path.Address.ToString()))
        {
            return null;
        }

        _ledger.Remove(number);

        IpcMeter.ClusterLedger.Add(-1);
        if (--_heldBy[entry.Node] == 0)
        {
            _heldBy.Remove(entry.Node);
        }

        return entry;
    }

    private List<RemoteMessage> Outbox(RemoteNode node)
    {
        if (!_outbox.TryGetValue(node, out var messages))
        {
            messages = [];
            _outbox.Add(node, messages);
        }

        return messages;
    }

    /// <summary>Sends each node its publishes of the handled message, in order, as one message.</summary>
    public void SendAll()
    {
        if (_outbox.Count == 0)
        {
            return;
        }

        foreach (var (node, messages) in _outbox)
        {
            var broker = BrokerOf(node);
            foreach (var frame in Frames(messages))
            {
                broker.Tell(new RemotePublish(frame), _self);
            }

            IpcMeter.ClusterSent.Add(messages.Count);
        }

        _outbox.Clear();
    }

    /// <summary>
    /// A node's messages cut into frames of at most <see cref="FrameChars"/> characters of text
    /// (a few MiB of UTF-8), in order, so that a large batch (a crashed node's ledger routed again)
    /// stays under the transport's largest frame.
    /// </summary>
    private static IEnumerable<RemoteMessage[]> Frames(List<RemoteMessage> messages)
    {
        var start = 0;
        long chars = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var size = 64L + message.Topic.Length + message.Body.Length + (message.Key?.Length ?? 0) + (message.RunId?.Length ?? 0);
            foreach (var group in message.Groups)
            {
                size += 16 + group.Name.Length + group.Pattern.Length;
            }

            if (i > start && chars + size > FrameChars)
            {
                yield return messages.GetRange(start, i - start).ToArray();
                (start, chars) = (i, 0);
            }

            chars += size;
        }

        yield return start == 0 ? [.. messages] : messages.GetRange(start, messages.Count - start).ToArray();
    }

    /// <summary>The members as this node sees them, with their interest.</summary>
    public ClusterReport Report(SubscriptionRegistry registry, Func<string, string, bool> isExplicit)
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(member => member.Address).ToHashSet();
        var own = NodeInterest.Of(_brokerPath, registry.Patterns(), isExplicit);
        var members = state.Members
            .Concat(state.Unreachable)
            .DistinctBy(member => member.UniqueAddress)
            .OrderBy(member => member.Address.ToString(), StringComparer.Ordinal)
            .Select(member =>
            {
                var address = member.Address.ToString();
                var interest = address == _selfAddress ? own : _route.Interest.Nodes.GetValueOrDefault(KeyOf(member.UniqueAddress))?.Interest;
                return new ClusterMemberInfo(
                    address,
                    StatusName(member.Status),
                    !unreachable.Contains(member.Address),
                    [.. member.Roles.Order(StringComparer.Ordinal)],
                    interest?.Subscriptions ?? 0,
                    interest?.Groups.Select(group => new ClusterGroupInfo(group.Name, group.Pattern, group.Members)).ToList() ?? [],
                    []);
            })
            .ToList();
        return new ClusterReport(true, _selfAddress, state.Leader?.ToString(), members);
    }

    /// <summary>The report of a host not in a cluster.</summary>
    public static ClusterReport Disabled { get; } = new(false, null, null, []);

    private IActorRef BrokerOf(RemoteNode node)
    {
        if (!_brokers.TryGetValue(node.Key, out var broker) || broker.Path.ToStringWithAddress() != node.Interest.Broker)
        {
            // Resolved locally from the path the node published: no round trip, and it stays valid
            // for as long as the node is a member.
            broker = ((ExtendedActorSystem)_system).Provider.ResolveActorRef(node.Interest.Broker);
            _brokers[node.Key] = broker;
        }

        return broker;
    }

    /// <summary>The registry answered an update: a write that did not reach every node is left to gossip, and said so at debug level.</summary>
    public void OnUpdateResponse(IUpdateResponse response)
    {
        if (!response.IsSuccessful)
        {
            _log.Debug("the broker's interest did not reach every node within {0} ({1}); gossip carries it", WriteTimeout, response.GetType().Name);
        }
    }

    /// <summary>The members' statuses by <c>address#uid</c>, taken once per registry change rather than once per entry.</summary>
    private Dictionary<string, MemberStatus> MembersByKey() =>
        _cluster.State.Members.ToDictionary(member => KeyOf(member.UniqueAddress), member => member.Status, StringComparer.Ordinal);

    private bool IsMember(string key, Dictionary<string, MemberStatus> members)
    {
        if (_removed.Contains(key))
        {
            return false;
        }

        // Not yet seen as a member here (gossip is behind the registry): taken, and dropped when removed.
        return !members.TryGetValue(key, out var status) || status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed);
    }

    private static string KeyOf(UniqueAddress node) => $"{node.Address}#{node.Uid}";

    private static string AddressOf(string key)
    {
        var hash = key.LastIndexOf('#');
        return hash < 0 ? key : key[..hash];
    }

    private static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.Joining => "joining",
        MemberStatus.WeaklyUp => "weakly-up",
        MemberStatus.Up => "up",
        MemberStatus.Leaving => "leaving",
        MemberStatus.Exiting => "exiting",
        MemberStatus.Down => "down",
        MemberStatus.Removed => "removed",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>One message in the ledger: the node holding it and the group it was routed to there.</summary>
    internal sealed record Ledgered(PublishedMessage Message, string Node, GroupName Group, DateTime SentAt);

    /// <summary>A message routed again that no member could take, and since when it waits.</summary>
    internal sealed record Parked(Ledgered Entry, DateTime Since);

    /// <summary>Time to route the parked messages again.</summary>
    internal sealed class RetryParked
    {
        public static readonly RetryParked Instance = new();

        private RetryParked()
        {
        }
    }

    /// <summary>Time to ask the other nodes about old messages in the ledger.</summary>
    internal sealed class AuditLedger
    {
        public static readonly AuditLedger Instance = new();

        private AuditLedger()
        {
        }
    }
}
