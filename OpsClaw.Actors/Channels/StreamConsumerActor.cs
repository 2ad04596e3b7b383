using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Streams;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// One durable consumer of a stream (docs/broker.md, "Streams"), a child of the broker: a persistent
/// actor that stores its acknowledged position and feeds the stream's messages, in sequence order, to
/// a <see cref="BrokerAckQueueActor"/> whose members are the subscriptions using its name. It reads
/// from the journal while it is behind and takes new messages straight from the stream once caught
/// up; both go by sequence number, so the switch between them neither skips nor repeats a message.
/// It feeds only what the queue has room for, so a slow consumer costs the host no memory, only
/// reads. An ack is answered once stored; with no member left the queue goes and reading starts
/// again from the stored position when one comes back.
/// </summary>
internal sealed class StreamConsumerActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>Messages read from the journal at once, at most: each read is a query of its own, so fewer, larger ones.</summary>
    private const int ReadBatch = 5000;

    /// <summary>Messages fed to the queue beyond its members' max_pending, so a member that acks finds the next one waiting.</summary>
    private const int FeedAhead = 5000;

    /// <summary>
    /// How far past its oldest unacknowledged message a consumer delivers: acks above it are kept one by
    /// one (and in each snapshot), so a message never acked must not let them grow without end.
    /// </summary>
    private const int MaxAhead = 4 * FeedAhead;

    /// <summary>A snapshot every so many ack writes bounds what recovery replays.</summary>
    private const int SnapshotEvery = 1000;

    private const string RetryTimer = "retry-read";

    private const string FollowTimer = "follow-again";

    private readonly string _stream;
    private readonly string _durable;
    private readonly StreamAddress _streamActor;
    private readonly TimeSpan _ackWait;
    private readonly ConsumerPosition _position = new();
    private readonly Dictionary<SubscriptionId, BrokerProtocol.Member> _members = [];
    private readonly SubscriptionStats _stats = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private string? _topic;
    private IActorRef? _queue;
    private QueueGauge? _gauge;
    private bool _ranged;

    /// <summary>The stream actor this consumer follows (the sender of its last range), watched.</summary>
    private IActorRef? _followed;

    /// <summary>Who keeps each member's subscription (the broker, or its handle on another node), watched.</summary>
    private readonly Dictionary<SubscriptionId, IActorRef> _ownerOf = [];

    /// <summary>Told to stop (a cluster hands its shard over): it does once no ack is being stored.</summary>
    private bool _stopping;
    private long _firstSeq = 1;
    private long _lastSeq;
    private long _nextRead = 1;
    private long _missed;

    /// <summary>The highest sequence number fed to a queue since this actor started: one fed again is a redelivery.</summary>
    private long _highestFed;
    private bool _reading;
    private int _generation;
    private long _ackWrites;
    private IMaterializer? _materializer;

    /// <summary>Subscribes that came before the stream's range, in order: answered once it is known, or handler_failed if this consumer stops first.</summary>
    private readonly List<StreamProtocol.Subscribe> _waiting = [];

    /// <summary>The subscribe whose ConsumerCreated is being stored.</summary>
    private StreamProtocol.Subscribe? _creating;

    /// <summary>Ack replies whose positions are being stored, in the order written.</summary>
    private readonly Queue<(IActorRef ReplyTo, ChannelProtocol.Reply Reply)> _storingAcks = new();

    public StreamConsumerActor(string stream, string durable, StreamAddress streamActor, TimeSpan ackWait)
    {
        _stream = stream;
        _durable = durable;
        _streamActor = streamActor;
        _ackWait = ackWait;
        JournalPluginId = StreamStorage.JournalId;
        SnapshotPluginId = StreamStorage.SnapshotId;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ConsumerSnapshot snapshot)
            {
                _topic = snapshot.Topic;
                _position.Restore(snapshot.AckedSeq, snapshot.AckedAbove);
            }
        });
        Recover<ConsumerCreated>(created =>
        {
            _topic = created.Topic;
            _position.DoneTo(created.AckedSeq);
        });
        Recover<ConsumerAcked>(acked =>
        {
            foreach (var seq in acked.Seqs)
            {
                _position.Done(seq);
            }

            _position.DoneTo(acked.AckedSeq);
            _ackWrites++;
        });
        Recover<RecoveryCompleted>(_ => Follow());

        Command<StreamProtocol.Range>(range =>
        {
            Timers.Cancel(FollowTimer);
            if (!Sender.Equals(_followed))
            {
                _followed = Sender;
                Context.Watch(Sender);
            }

            // A stream followed again (it restarted) says where it stands now; what this consumer read stays read.
            if (!_ranged)
            {
                _nextRead = _position.AckedSeq + 1;
            }

            (_firstSeq, _lastSeq, _ranged) = (range.FirstSeq, Math.Max(_lastSeq, range.LastSeq), true);
            TakeWaiting();
            Feed();
        });
        Command<Terminated>(terminated =>
        {
            // On one host the broker stops a stream's consumers with it. A sharded stream is started
            // again by the next message for it, while its consumers stay: they follow the new one.
            if (terminated.ActorRef.Equals(_followed))
            {
                _followed = null;
                Timers.StartSingleTimer(FollowTimer, FollowAgain.Instance, TimeSpan.FromSeconds(1));
                return;
            }

            // The owner of some members is gone (in a cluster, its node or broker went away): nobody
            // will send their Leave, so they leave now rather than hold messages for good.
            _waiting.RemoveAll(waiting => waiting.Owner.Equals(terminated.ActorRef));
            foreach (var id in _ownerOf.Where(pair => pair.Value.Equals(terminated.ActorRef)).Select(pair => pair.Key).ToList())
            {
                OnLeave(id);
            }
        });
        Command<FollowAgain>(_ => Follow());
        Command<StreamProtocol.StopWhenIdle>(_ =>
        {
            _stopping = true;
            StopIfIdle();
        });
        Command<StreamProtocol.Subscribe>(subscribe =>
        {
            // The range says where "new" starts; until the stream answered, subscriptions wait.
            if (!_ranged || _creating is not null)
            {
                _waiting.Add(subscribe);
                return;
            }

            OnSubscribe(subscribe);
        });
        Command<BrokerProtocol.Leave>(leave =>
        {
            // A member that leaves before it was accepted is forgotten, never joined later.
            _waiting.RemoveAll(waiting => waiting.Member.Id == leave.Id);
            OnLeave(leave.Id);
        });
        Command<BrokerProtocol.Settle>(settle =>
        {
            if (_queue is { } queue && _members.ContainsKey(settle.Member))
            {
                queue.Forward(settle);
            }
            else
            {
                settle.ReplyTo.Tell(new ChannelProtocol.Reply(settle.Request.Id, IpcErrors.UnknownSubscription(settle.Subscription, settle.Request.Envelope.RunId)));
            }
        });
        Command<BrokerProtocol.Acknowledged>(OnAcknowledged);
        Command<BrokerProtocol.Idle>(_ => { });
        Command<StreamProtocol.Appended>(OnAppended);
        Command<StreamProtocol.Trimmed>(trimmed =>
        {
            _firstSeq = Math.Max(_firstSeq, trimmed.FirstSeq);
            Feed();
        });
        Command<ReadDone>(OnRead);
        Command<ReadFailed>(failed =>
        {
            if (failed.Generation != _generation)
            {
                return;
            }

            _reading = false;
            _log.Warning(failed.Cause, "durable consumer {0} of stream {1}: reading the stream failed; trying again in 1s", _durable, _stream);
            Timers.StartSingleTimer(RetryTimer, RetryRead.Instance, TimeSpan.FromSeconds(1));
        });
        Command<RetryRead>(_ => Feed());
        Command<StreamProtocol.GetInfo>(_ => Sender.Tell(Info()));
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "durable consumer {0} of stream {1}: a snapshot was not saved", _durable, _stream));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => Id(_stream, _durable);

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Stream and durable names hold no <c>/</c>, so the id names one consumer only.</summary>
    public static string Id(string stream, string durable) => $"consumer/{stream}/{durable}";

    /// <summary>The consumer names of <paramref name="stream"/> among stored persistence ids.</summary>
    public static string? DurableOf(string persistenceId, string stream)
    {
        var prefix = $"consumer/{stream}/";
        return persistenceId.StartsWith(prefix, StringComparison.Ordinal) ? persistenceId[prefix.Length..] : null;
    }

    public static Props Props(string stream, string durable, StreamAddress streamActor, TimeSpan ackWait) =>
        Akka.Actor.Props.Create(() => new StreamConsumerActor(stream, durable, streamActor, ackWait));

    private void OnSubscribe(StreamProtocol.Subscribe subscribe)
    {
        var topic = subscribe.Topic.Text;
        if (_topic is null)
        {
            var floor = subscribe.Start.Kind switch
            {
                StreamStartKind.All => 0,
                StreamStartKind.Seq => subscribe.Start.Seq - 1,
                _ => _lastSeq,
            };
            _creating = subscribe;
            Persist(new ConsumerCreated(topic, floor), created =>
            {
                _creating = null;
                _topic = created.Topic;
                _position.DoneTo(created.AckedSeq);
                _nextRead = _position.AckedSeq + 1;
                Accept(subscribe);
                TakeWaiting();
            });
            return;
        }

        if (!string.Equals(_topic, topic, StringComparison.Ordinal))
        {
            var envelope = subscribe.Request.Envelope;
            subscribe.Member.Connection.Tell(new ChannelProtocol.Reply(subscribe.Request.Id, IpcErrors.InvalidPayload(
                envelope.MessageType,
                $"durable consumer '{_durable}' of stream '{_stream}' reads topic '{_topic}'; subscribe with that topic",
                envelope.RunId)));
            subscribe.Owner.Tell(new StreamProtocol.Refused(subscribe.Member.Id));
            return;
        }

        Accept(subscribe);
    }

    /// <summary>Subscribes that waited, in order; one that makes this consumer stores it first, and the rest wait for that.</summary>
    private void TakeWaiting()
    {
        while (_waiting.Count > 0 && _creating is null)
        {
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            OnSubscribe(next);
        }
    }

    /// <summary>The connection learns of the subscription before its ack, and deliveries come after both.</summary>
    private void Accept(StreamProtocol.Subscribe subscribe)
    {
        var member = subscribe.Member;
        var envelope = subscribe.Request.Envelope;
        // From the owner, so that the connection tells the broker (not this consumer) when its input ends.
        member.Connection.Tell(new BrokerProtocol.Subscribed(member.Id, member.Subscription, subscribe.Request.Id, AckMode.Explicit, member.MaxPending, member.Stats), subscribe.Owner);
        member.Connection.Tell(new ChannelProtocol.Reply(
            subscribe.Request.Id, IpcResponse.Success(MessageTypes.RuntimeSubscribeAck, envelope.RunId, BrokerReplies.Subscribed(member.Subscription))));
        if (_queue is null)
        {
            _gauge = new QueueGauge(FeedAhead);
            _queue = Context.ActorOf(BrokerAckQueueActor.Props(_gauge, _ackWait, _stats, Self), "queue-" + (++_generation));
            _nextRead = _position.AckedSeq + 1;
            _reading = false;
        }

        _members.Add(member.Id, member);
        _ownerOf[member.Id] = subscribe.Owner;

        // Watching an owner already watched changes nothing; one Terminated comes when it goes.
        Context.Watch(subscribe.Owner);
        subscribe.Owner.Tell(new StreamProtocol.Joined(member.Id));
        _queue.Tell(new BrokerProtocol.Join(member));
        Feed();
    }

    private void OnLeave(SubscriptionId id)
    {
        _ownerOf.Remove(id);
        if (!_members.Remove(id) || _queue is not { } queue)
        {
            return;
        }

        queue.Tell(new BrokerProtocol.Leave(id));
        if (_members.Count == 0)
        {
            // What it held unacknowledged is read again from the stored position when a member comes back.
            // A poison pill, not Stop: the acks forwarded to it before the Leave are answered first.
            queue.Tell(PoisonPill.Instance);
            (_queue, _gauge, _reading) = (null, null, false);
            _generation++;
            _stats.SetQueued(0);
        }
    }

    private void OnAcknowledged(BrokerProtocol.Acknowledged acknowledged)
    {
        if (acknowledged.Messages.Length == 0)
        {
            acknowledged.ReplyTo.Tell(acknowledged.Reply);
            return;
        }

        var seqs = new long[acknowledged.Messages.Length];
        for (var i = 0; i < seqs.Length; i++)
        {
            seqs[i] = acknowledged.Messages[i].Seq;
            _position.Done(seqs[i]);
        }

        _storingAcks.Enqueue((acknowledged.ReplyTo, acknowledged.Reply));
        PersistAsync(new ConsumerAcked(seqs, _position.AckedSeq), _ =>
        {
            _storingAcks.Dequeue();
            acknowledged.ReplyTo.Tell(acknowledged.Reply);
            if (++_ackWrites % SnapshotEvery == 0)
            {
                SaveSnapshot(new ConsumerSnapshot(_topic ?? "", _position.AckedSeq, _position.AckedAbove()));
            }

            StopIfIdle();
        });
        Feed();
    }

    /// <summary>New messages: taken as they are when this consumer is caught up and has room; read later otherwise.</summary>
    private void OnAppended(StreamProtocol.Appended appended)
    {
        var messages = appended.Messages;
        _lastSeq = Math.Max(_lastSeq, messages[^1].Seq);
        _firstSeq = appended.FirstSeq;
        if (_queue is not null && !_reading && _nextRead >= messages[0].Seq && _nextRead <= messages[^1].Seq)
        {
            FeedAll(messages.AsSpan((int)(_nextRead - messages[0].Seq)));
        }

        Feed();
    }

    private void OnRead(ReadDone read)
    {
        if (read.Generation != _generation)
        {
            return;
        }

        _reading = false;

        // Retention may have trimmed the stream while the read was out: what it returned below the first
        // retained message is not delivered.
        SkipTrimmed();
        var messages = new List<PublishedMessage>(read.Events.Count);
        foreach (var envelope in read.Events)
        {
            if (envelope.Event is StoredMessage stored && envelope.SequenceNr >= _nextRead)
            {
                messages.Add(new PublishedMessage(stored.Topic, stored.Body, stored.Key, stored.RunId) { Stream = _stream, Seq = envelope.SequenceNr });
            }
        }

        if (FeedAll(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages)) && _nextRead <= read.To)
        {
            if (read.To >= _firstSeq)
            {
                // Stored messages the read did not return, and retention did not delete: never skip them, read again.
                _log.Warning("durable consumer {0} of stream {1}: messages {2} to {3} were not read back; reading again in 1s", _durable, _stream, _nextRead, read.To);
                Timers.StartSingleTimer(RetryTimer, RetryRead.Instance, TimeSpan.FromSeconds(1));
                return;
            }

            // The rest of the range was deleted by retention while it was being read.
            _missed += read.To - _nextRead + 1;
            _position.DoneTo(read.To);
            _nextRead = read.To + 1;
        }

        Feed();
    }

    /// <summary>Feeds messages in sequence order while the queue has room; false when it stopped for lack of room.</summary>
    private bool FeedAll(ReadOnlySpan<PublishedMessage> messages)
    {
        if (_queue is not { } queue || _gauge is not { } gauge)
        {
            return false;
        }

        var fed = new List<PublishedMessage>();
        var redelivered = 0;
        var complete = true;
        foreach (var message in messages)
        {
            if (message.Seq < _nextRead)
            {
                continue;
            }

            if (message.Seq > _nextRead)
            {
                // Retention deletes the oldest only, so a gap before a stored message is deleted
                // messages: the next delivery says how many this consumer missed.
                _missed += message.Seq - _nextRead;
                _position.DoneTo(message.Seq - 1);
            }

            if (_position.IsDone(message.Seq) || !TopicSyntax.Matches(_topic!, message.Topic))
            {
                _position.Done(message.Seq);
                _nextRead = message.Seq + 1;
                continue;
            }

            if (message.Seq - _position.AckedSeq > MaxAhead || !gauge.TryTake())
            {
                complete = false;
                break;
            }

            fed.Add(_missed == 0 ? message : new PublishedMessage(message.Topic, message.Body, message.Key, message.RunId)
            {
                Stream = message.Stream,
                Seq = message.Seq,
                Missed = _missed,
            });
            _missed = 0;
            _nextRead = message.Seq + 1;

            // Fed in sequence order, so the ones fed before are the first ones.
            if (message.Seq <= _highestFed)
            {
                redelivered++;
            }
            else
            {
                _highestFed = message.Seq;
            }
        }

        if (fed.Count > 0)
        {
            queue.Tell(new BrokerProtocol.Enqueue([.. fed], redelivered));
        }

        return complete;
    }

    /// <summary>Moves past what retention trimmed, counting it as missed.</summary>
    private void SkipTrimmed()
    {
        if (_nextRead < _firstSeq)
        {
            _missed += _firstSeq - _nextRead;
            _position.DoneTo(_firstSeq - 1);
            _nextRead = _firstSeq;
        }
    }

    /// <summary>Starts a journal read when this consumer is behind and its queue has room.</summary>
    private void Feed()
    {
        if (_queue is null || _gauge is not { } gauge || _reading || !_ranged)
        {
            return;
        }

        SkipTrimmed();
        var room = gauge.Room;
        var limit = Math.Min(_lastSeq, _position.AckedSeq + MaxAhead);
        if (_nextRead > limit || room <= 0)
        {
            return;
        }

        var from = _nextRead;
        var to = Math.Min(limit, from + Math.Min(room, ReadBatch) - 1);
        var generation = _generation;
        _reading = true;
        var stream = StreamActor.Id(_stream);
        var materializer = _materializer ??= Context.Materializer();
        StreamStorage.Get(Context.System)
            .ReadAsync(journal => journal.CurrentEventsByPersistenceId(stream, from, to), materializer)
            .PipeTo(Self, success: events => new ReadDone(generation, to, events), failure: cause => new ReadFailed(generation, cause));
    }

    private StreamConsumerInfo Info() =>
        new(_durable, _topic ?? "", _position.AckedSeq, _gauge is { } gauge ? Math.Min(gauge.Held, _members.Values.Sum(member => (long)member.MaxPending)) : 0, _members.Count);

    /// <summary>Whatever was still to be answered is answered handler_failed, never left to the client's request-timeout.</summary>
    protected override void PostStop()
    {
        var waiting = _creating is { } creating ? _waiting.Prepend(creating) : _waiting;
        foreach (var subscribe in waiting)
        {
            var envelope = subscribe.Request.Envelope;
            subscribe.Member.Connection.Tell(new ChannelProtocol.Reply(subscribe.Request.Id, IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId)));
            subscribe.Owner.Tell(new StreamProtocol.Refused(subscribe.Member.Id));
        }

        foreach (var (replyTo, reply) in _storingAcks)
        {
            replyTo.Tell(new ChannelProtocol.Reply(reply.Id, IpcErrors.HandlerFailed(MessageTypes.RuntimeAck, reply.Response.RunId)));
        }

        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _log.Error(cause, "durable consumer {0} of stream {1}: storing its position failed; it stops and its subscriptions end", _durable, _stream);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        _log.Error(reason, "durable consumer {0} of stream {1}: its position could not be read", _durable, _stream);

    private sealed record ReadDone(int Generation, long To, IReadOnlyList<EventEnvelope> Events);

    private sealed record ReadFailed(int Generation, Exception Cause);

    /// <summary>Asks the stream for its range, and again every few seconds until it answers (a Follow that met a failed recovery is lost).</summary>
    private void Follow()
    {
        _streamActor.Tell(new StreamProtocol.Follow(Self), Self);
        Timers.StartSingleTimer(FollowTimer, FollowAgain.Instance, TimeSpan.FromSeconds(5));
    }

    /// <summary>Once stopping, stops when no ack is being stored: one whose reply the client got must not be lost by the stop.</summary>
    private void StopIfIdle()
    {
        if (_stopping && _storingAcks.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    private sealed class FollowAgain
    {
        public static readonly FollowAgain Instance = new();

        private FollowAgain()
        {
        }
    }

    private sealed class RetryRead
    {
        public static readonly RetryRead Instance = new();

        private RetryRead()
        {
        }
    }
}
