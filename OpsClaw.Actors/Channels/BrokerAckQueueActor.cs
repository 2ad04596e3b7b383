using Akka.Actor;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Clustering;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The at-least-once queue of one explicit-ack subscription, or of one explicit-ack queue group
/// (docs/protocol.md §9.4): it owns the messages waiting behind <c>max_pending</c>, every
/// unacknowledged delivery, and the ack-wait timer. A message with a key goes to the member
/// rendezvous hashing picks (and waits for that member when it is full); one without a key goes to
/// the next member in turn with room, or waits for the first that has room. A nack, an ack-wait
/// expiry or a member leaving delivers the message again, ahead of anything waiting, marked
/// <c>redelivered</c>. With no member left, what it holds is kept for ack-wait (a new member of
/// the group takes it), then dropped. A message another cluster node routed here (it has an
/// <see cref="PublishedMessage.Origin"/>) is reported back to that node once acknowledged, and
/// given back to it instead of kept or dropped when no member is left here, so it can go to the
/// group's members elsewhere (docs/cluster.md).
/// </summary>
internal sealed class BrokerAckQueueActor : ReceiveActor, IWithTimers
{
    private const string AckWaitTimer = "ack-wait";
    private const string KeptTimer = "kept";

    private readonly QueueGauge _gauge;
    private readonly TimeSpan _ackWait;
    private readonly SubscriptionStats? _groupStats;
    private readonly IActorRef? _owner;
    private readonly BrokerMetrics _metrics;
    private readonly Dictionary<SubscriptionId, MemberState> _members = [];
    private readonly DeliveryOutbox _outbox = new();

    /// <summary>The members' ids, for rendezvous hashing and turns.</summary>
    private readonly List<SubscriptionId> _order = [];

    /// <summary>Messages without a key waiting for any member with room, oldest first.</summary>
    private readonly Queue<Entry> _shared = new();

    /// <summary>Messages without a key to deliver again, before anything else.</summary>
    private readonly Queue<Entry> _sharedRetries = new();

    /// <summary>Ledger numbers to tell each origin node after the current message: acknowledged, or given back.</summary>
    private readonly Dictionary<IActorRef, List<long>> _settledAtOrigin = [];
    private readonly Dictionary<IActorRef, List<long>> _returnedToOrigin = [];

    /// <summary>The messages one ack-up-to settles, reused.</summary>
    private readonly List<PublishedMessage> _acked = [];

    private long _nextSequence;
    private int _nextInTurn;
    private int _waiting;
    private bool _timerSet;

    /// <param name="gauge">The queue's places, shared with whoever admits messages into it.</param>
    /// <param name="ackWait">How long a delivery may stay unacknowledged.</param>
    /// <param name="groupStats">The group's figures, or null for one subscription's queue.</param>
    /// <param name="owner">
    /// A durable consumer that stores acknowledgements: acks are told to it as <see cref="BrokerProtocol.Acknowledged"/>
    /// and it answers them once stored. Null: the queue answers acks itself.
    /// </param>
    public BrokerAckQueueActor(QueueGauge gauge, TimeSpan ackWait, SubscriptionStats? groupStats, IActorRef? owner = null)
    {
        _gauge = gauge;
        _ackWait = ackWait;
        _groupStats = groupStats;
        _owner = owner;
        _metrics = BrokerMetrics.Get(Context.System);
        Receive<BrokerProtocol.Enqueue>(enqueue =>
        {
            for (var i = 0; i < enqueue.Messages.Length; i++)
            {
                var message = enqueue.Messages[i];
                Place(new Entry(_nextSequence++, message, Redelivered: i < enqueue.Redelivered || message.Redelivered), retry: false);
            }

            Published();
        });
        Receive<BrokerProtocol.Join>(join => OnJoin(join.Member));
        Receive<BrokerProtocol.Leave>(leave => OnLeave(leave.Id));
        Receive<BrokerProtocol.Settle>(OnSettle);
        Receive<AckWaitExpired>(_ =>
        {
            _timerSet = false;
            ExpireDue();
        });
        Receive<KeptExpired>(_ => DropKept());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Whatever a message made deliverable goes out once it is handled: one batch per connection.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        _outbox.SendAll();
        TellOrigins();
        return handled;
    }

    /// <summary>A queue stopped with messages from other nodes in it (its broker restarted) gives them back, so they are not lost with it.</summary>
    protected override void PostStop()
    {
        foreach (var member in _members.Values)
        {
            foreach (var delivery in member.UnackedInOrder())
            {
                ReturnToOrigin(delivery.Entry);
            }

            ReturnToOrigin(member.Retries);
            ReturnToOrigin(member.Own);
        }

        ReturnToOrigin(_sharedRetries);
        ReturnToOrigin(_shared);
        TellOrigins();
        base.PostStop();
    }

    public static Props Props(QueueGauge gauge, TimeSpan ackWait, SubscriptionStats? groupStats, IActorRef? owner = null) =>
        Akka.Actor.Props.Create(() => new BrokerAckQueueActor(gauge, ackWait, groupStats, owner));

    private void OnJoin(BrokerProtocol.Member member)
    {
        if (_members.ContainsKey(member.Id))
        {
            return;
        }

        Timers.Cancel(KeptTimer);
        _members.Add(member.Id, new MemberState(member));
        _order.Add(member.Id);
        UpdateCapacity();
        PullAll();
        Published();
    }

    private void OnLeave(SubscriptionId id)
    {
        if (!_members.Remove(id, out var leaving))
        {
            return;
        }

        _order.Remove(id);
        UpdateCapacity();
        leaving.Info.Stats.SetPending(0);
        leaving.Info.Stats.SetQueued(0);

        // Unacknowledged first, in the order they were delivered, then what was waiting for it: all
        // of it goes ahead of newer messages, to the members its keys now hash to.
        foreach (var delivery in leaving.UnackedInOrder())
        {
            Place(delivery.Entry with { Redelivered = true }, retry: true);
        }

        while (leaving.Retries.TryDequeue(out var retry))
        {
            _waiting--;
            Place(retry, retry: true);
        }

        while (leaving.Own.TryDequeue(out var waiting))
        {
            _waiting--;
            Place(waiting, retry: true);
        }

        PullAll();
        if (_members.Count == 0)
        {
            // Nobody here can take what other nodes sent: it goes back to them, for the group's members elsewhere.
            _waiting -= ReturnToOrigin(_sharedRetries) + ReturnToOrigin(_shared);
        }

        Published();
        if (_members.Count == 0)
        {
            if (_waiting == 0)
            {
                Context.Parent.Tell(new BrokerProtocol.Idle(Self));
            }
            else
            {
                Timers.StartSingleTimer(KeptTimer, KeptExpired.Instance, _ackWait);
            }
        }
    }

    private void OnSettle(BrokerProtocol.Settle settle)
    {
        var envelope = settle.Request.Envelope;
        if (!_members.TryGetValue(settle.Member, out var member))
        {
            Reply(settle, IpcErrors.UnknownSubscription(settle.Subscription, envelope.RunId));
            return;
        }

        switch (settle.Kind)
        {
            case BrokerProtocol.SettleKind.Ack when member.TryAck(settle.Delivery, out var acked):
                Settled(member, 1);
                SettledAtOrigin(acked.Entry.Message);
                Acked(settle, [acked.Entry.Message]);
                break;
            case BrokerProtocol.SettleKind.AckUpTo when settle.Delivery < member.NextDelivery && settle.Delivery >= 1:
                _acked.Clear();
                Settled(member, member.AckUpTo(settle.Delivery, _acked));
                foreach (var message in _acked)
                {
                    SettledAtOrigin(message);
                }

                Acked(settle, _owner is null ? [] : _acked);
                _acked.Clear();
                break;
            case BrokerProtocol.SettleKind.Nack when member.TryAck(settle.Delivery, out var nacked):
                member.Info.Stats.SetPending(member.Unacked);
                Place(nacked.Entry with { Redelivered = true }, retry: true);
                PullAll();
                Published();
                Reply(settle, IpcResponse.Success(MessageTypes.RuntimeNackOk, envelope.RunId, IpcResponse.EmptyPayload));
                break;
            default:
                Reply(settle, IpcErrors.UnknownDelivery(settle.Delivery, settle.Subscription, envelope.RunId));
                break;
        }
    }

    private void Settled(MemberState member, int count)
    {
        if (count > 0)
        {
            _gauge.Give(count);
            member.Info.Stats.SetPending(member.Unacked);
            Pull(member);
            Published();
        }
    }

    /// <summary>An ack is answered here, or by the durable consumer that owns the queue once it stored it.</summary>
    private void Acked(BrokerProtocol.Settle settle, IReadOnlyList<PublishedMessage> messages)
    {
        var reply = IpcResponse.Success(MessageTypes.RuntimeAckOk, settle.Request.Envelope.RunId, IpcResponse.EmptyPayload);
        if (_owner is { } owner)
        {
            owner.Tell(new BrokerProtocol.Acknowledged([.. messages], new ChannelProtocol.Reply(settle.Request.Id, reply), settle.ReplyTo));
        }
        else
        {
            Reply(settle, reply);
        }
    }

    private static void Reply(BrokerProtocol.Settle settle, IpcResponse response) =>
        settle.ReplyTo.Tell(new ChannelProtocol.Reply(settle.Request.Id, response));

    /// <summary>
    /// Hands a message to the member it belongs to when that member has room and nothing older is
    /// waiting for it; otherwise it waits, a retry ahead of everything new.
    /// </summary>
    private void Place(Entry entry, bool retry)
    {
        if (_members.Count == 0)
        {
            Wait(retry ? _sharedRetries : _shared, entry);
            return;
        }

        if (entry.Message.KeyHash is { } hash)
        {
            var member = _members[_order[Rendezvous.Choose(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_order), hash)]];
            if (!retry && member.HasRoom && member.Own.Count == 0 && member.Retries.Count == 0)
            {
                Send(member, entry);
            }
            else
            {
                Wait(retry ? member.Retries : member.Own, entry);
            }

            return;
        }

        if (!retry && _shared.Count == 0 && _sharedRetries.Count == 0 && NextWithRoom() is { } next)
        {
            Send(next, entry);
            return;
        }

        Wait(retry ? _sharedRetries : _shared, entry);
    }

    private void Wait(Queue<Entry> queue, Entry entry)
    {
        queue.Enqueue(entry);
        _waiting++;
    }

    /// <summary>The next member in turn that can take a delivery, if any.</summary>
    private MemberState? NextWithRoom()
    {
        for (var tried = 0; tried < _order.Count; tried++)
        {
            var index = (_nextInTurn + tried) % _order.Count;
            var member = _members[_order[index]];
            if (member.HasRoom)
            {
                _nextInTurn = index + 1;
                return member;
            }
        }

        return null;
    }

    private void PullAll()
    {
        if (_waiting == 0)
        {
            return;
        }

        // In turn, so messages without a key spread over the members that have room.
        for (var tried = 0; tried < _order.Count && _waiting > 0; tried++)
        {
            Pull(_members[_order[(_nextInTurn + tried) % _order.Count]]);
        }
    }

    /// <summary>Fills a member's room: its retries, the shared retries, then the oldest of its own and the shared waiting messages.</summary>
    private void Pull(MemberState member)
    {
        while (member.HasRoom && _waiting > 0)
        {
            Queue<Entry>? from =
                member.Retries.Count > 0 ? member.Retries
                : _sharedRetries.Count > 0 ? _sharedRetries
                : member.Own.Count > 0 && (_shared.Count == 0 || member.Own.Peek().Sequence < _shared.Peek().Sequence) ? member.Own
                : _shared.Count > 0 ? _shared
                : null;
            if (from is null)
            {
                return;
            }

            _waiting--;
            Send(member, from.Dequeue());
        }
    }

    private void Send(MemberState member, Entry entry)
    {
        var deadline = Context.System.Scheduler.Now + _ackWait;
        var delivery = member.Add(entry, deadline);
        member.Info.Stats.SetPending(member.Unacked);
        member.Info.Stats.CountDelivered(entry.Redelivered);
        _metrics.Delivered(entry.Redelivered);
        _outbox.Add(member.Info.Connection, new BrokerProtocol.Deliver(member.Info.Id, entry.Message, delivery, entry.Redelivered));
        if (!_timerSet)
        {
            // Every later delivery's deadline is later still, so one timer, for the earliest, is enough.
            _timerSet = true;
            Timers.StartSingleTimer(AckWaitTimer, AckWaitExpired.Instance, _ackWait);
        }
    }

    private void ExpireDue()
    {
        var now = Context.System.Scheduler.Now;
        var expired = false;
        foreach (var member in _members.Values)
        {
            while (member.OldestDeadline is { } deadline && deadline <= now && member.TakeOldest() is { } late)
            {
                member.Info.Stats.SetPending(member.Unacked);
                Place(late.Entry with { Redelivered = true }, retry: true);
                expired = true;
            }
        }

        if (expired)
        {
            PullAll();
            Published();
        }

        DateTimeOffset? next = null;
        foreach (var member in _members.Values)
        {
            if (member.OldestDeadline is { } deadline && (next is null || deadline < next))
            {
                next = deadline;
            }
        }

        if (next is { } due)
        {
            _timerSet = true;
            var delay = due - now;
            Timers.StartSingleTimer(AckWaitTimer, AckWaitExpired.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>No member came back within ack-wait: what was kept for the group is dropped.</summary>
    private void DropKept()
    {
        if (_members.Count > 0)
        {
            return;
        }

        _gauge.Give(_waiting);
        _shared.Clear();
        _sharedRetries.Clear();
        _waiting = 0;
        Published();
        Context.Parent.Tell(new BrokerProtocol.Idle(Self));
    }

    private void SettledAtOrigin(PublishedMessage message)
    {
        if (message.Origin is { } origin)
        {
            Note(_settledAtOrigin, origin, message.OriginLedger);
        }
    }

    /// <summary>Gives back to their origin the entries of <paramref name="queue"/> that came from another node, keeping the others in order; returns how many.</summary>
    private int ReturnToOrigin(Queue<Entry> queue)
    {
        var returned = 0;
        for (var left = queue.Count; left > 0; left--)
        {
            var entry = queue.Dequeue();
            if (ReturnToOrigin(entry))
            {
                returned++;
            }
            else
            {
                queue.Enqueue(entry);
            }
        }

        _gauge.Give(returned);
        return returned;
    }

    private bool ReturnToOrigin(Entry entry)
    {
        if (entry.Message.Origin is not { } origin)
        {
            return false;
        }

        Note(_returnedToOrigin, origin, entry.Message.OriginLedger);
        return true;
    }

    private static void Note(Dictionary<IActorRef, List<long>> byOrigin, IActorRef origin, long ledger)
    {
        if (!byOrigin.TryGetValue(origin, out var numbers))
        {
            numbers = [];
            byOrigin.Add(origin, numbers);
        }

        numbers.Add(ledger);
    }

    private void TellOrigins()
    {
        if (_settledAtOrigin.Count > 0)
        {
            foreach (var (origin, numbers) in _settledAtOrigin)
            {
                var settled = numbers.ToArray();
                origin.Tell(new RemoteSettled(settled));
                Context.Parent.Tell(new BrokerProtocol.OriginDone(origin, settled));
            }

            _settledAtOrigin.Clear();
        }

        if (_returnedToOrigin.Count > 0)
        {
            foreach (var (origin, numbers) in _returnedToOrigin)
            {
                var returned = numbers.ToArray();
                origin.Tell(new RemoteReturned(returned));
                Context.Parent.Tell(new BrokerProtocol.OriginDone(origin, returned));
            }

            _returnedToOrigin.Clear();
        }
    }

    private void UpdateCapacity()
    {
        long capacity = 0;
        foreach (var member in _members.Values)
        {
            capacity += member.Info.MaxPending;
        }

        _gauge.SetPendingCapacity(capacity);
    }

    /// <summary>Shows how many messages wait: per member for a plain subscription, for the group otherwise.</summary>
    private void Published()
    {
        if (_groupStats is { } group)
        {
            group.SetQueued(_waiting);
            foreach (var member in _members.Values)
            {
                member.Info.Stats.SetQueued(member.Own.Count + member.Retries.Count);
            }
        }
        else
        {
            foreach (var member in _members.Values)
            {
                member.Info.Stats.SetQueued(_waiting);
            }
        }
    }

    /// <summary>One accepted message on its way through the queue.</summary>
    /// <param name="Sequence">Its place in arrival order, so a member takes waiting messages oldest first.</param>
    /// <param name="Message">The message.</param>
    /// <param name="Redelivered">It was delivered before.</param>
    private sealed record Entry(long Sequence, PublishedMessage Message, bool Redelivered);

    private sealed record Unacked(Entry Entry, DateTimeOffset Deadline);

    /// <summary>One member: its unacknowledged deliveries by number, and the keyed messages waiting for it.</summary>
    private sealed class MemberState(BrokerProtocol.Member info)
    {
        private readonly Dictionary<long, Unacked> _unacked = [];

        /// <summary>Every delivery below this is settled: the oldest unacknowledged one, if any, is at or above it.</summary>
        private long _lowest = 1;

        public BrokerProtocol.Member Info { get; } = info;

        public Queue<Entry> Own { get; } = new();

        public Queue<Entry> Retries { get; } = new();

        public long NextDelivery { get; private set; } = 1;

        public int Unacked => _unacked.Count;

        public bool HasRoom => _unacked.Count < Info.MaxPending;

        /// <summary>The deadline of the oldest unacknowledged delivery: deliveries are made in order with the same ack-wait, so it is the earliest.</summary>
        public DateTimeOffset? OldestDeadline => SkipSettled() ? _unacked[_lowest].Deadline : null;

        public long Add(Entry entry, DateTimeOffset deadline)
        {
            var delivery = NextDelivery++;
            _unacked.Add(delivery, new Unacked(entry, deadline));
            return delivery;
        }

        public bool TryAck(long delivery, out Unacked settled) => _unacked.Remove(delivery, out settled!);

        /// <summary>Settles every unacknowledged delivery up to <paramref name="delivery"/>, collecting their messages when asked; returns how many.</summary>
        public int AckUpTo(long delivery, List<PublishedMessage>? messages)
        {
            var settled = 0;
            for (; _lowest <= delivery; _lowest++)
            {
                if (_unacked.Remove(_lowest, out var acked))
                {
                    settled++;
                    messages?.Add(acked.Entry.Message);
                }
            }

            return settled;
        }

        public Unacked? TakeOldest() => SkipSettled() && _unacked.Remove(_lowest, out var oldest) ? oldest : null;

        public IEnumerable<Unacked> UnackedInOrder() => _unacked.OrderBy(pair => pair.Key).Select(pair => pair.Value);

        /// <summary>Moves the low mark past settled numbers; each number is passed once, so this costs nothing over time.</summary>
        private bool SkipSettled()
        {
            if (_unacked.Count == 0)
            {
                _lowest = NextDelivery;
                return false;
            }

            while (!_unacked.ContainsKey(_lowest))
            {
                _lowest++;
            }

            return true;
        }
    }

    private sealed class AckWaitExpired
    {
        public static readonly AckWaitExpired Instance = new();

        private AckWaitExpired()
        {
        }
    }

    private sealed class KeptExpired
    {
        public static readonly KeptExpired Instance = new();

        private KeptExpired()
        {
        }
    }
}
