using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// One durable stream (docs/broker.md, "Streams"), a child of the broker: a persistent actor whose
/// journal sequence numbers are the stream's <c>seq</c>. A publish is answered only once its message
/// is written; the publishes of one request batch are one journal write. It tells the consumers that
/// follow it what was stored, applies retention (oldest first) and snapshots its retention index so
/// that recovery never replays the whole stream.
/// </summary>
internal sealed class StreamActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>A snapshot every so many messages bounds what recovery replays.</summary>
    public const int SnapshotEvery = 10_000;

    private const string RetentionTimer = "retention";

    private readonly StreamSettings _settings;
    private readonly RetentionIndex _index = new();
    private readonly HashSet<IActorRef> _followers = [];

    /// <summary>Publishes written or being written, in the order their callbacks come.</summary>
    private readonly Queue<StreamProtocol.Appending> _writing = new();

    /// <summary>Keyed by reference, as <see cref="DeliveryOutbox"/> is: cheap per message, and a split batch is still in order.</summary>
    private readonly Dictionary<IActorRef, List<ChannelProtocol.Reply>> _replies = new(ReferenceEqualityComparer.Instance);
    private readonly List<PublishedMessage> _stored = [];
    private bool _flushScheduled;
    private bool _deleting;

    /// <summary>Told to stop (a cluster hands its shard over): it does once what is being written is answered.</summary>
    private bool _stopping;

    /// <summary>Messages already trimmed from the index whose delete failed, up to this seq: deleted with the next one.</summary>
    private long _deleteAgain;

    /// <summary>A snapshot is due; taken after the flush's trim so it never counts a message retention is deleting.</summary>
    private bool _snapshotDue;

    /// <param name="settings">The stream's settings.</param>
    /// <param name="plugins">The journal and snapshot store; OpsClaw's own by default (specs pass Akka's test plugins).</param>
    /// <param name="sharded">A sharded entity in a cluster, whose parent is a shard: nobody waits for <see cref="StreamProtocol.Recovered"/>.</param>
    public StreamActor(StreamSettings settings, StreamPlugins? plugins = null, bool sharded = false)
    {
        _settings = settings;
        JournalPluginId = (plugins ?? StreamPlugins.Default).Journal;
        SnapshotPluginId = (plugins ?? StreamPlugins.Default).Snapshot;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is StreamSnapshot snapshot)
            {
                _index.Restore(snapshot);
            }
        });
        Recover<StoredMessage>(message => _index.Add(LastSequenceNr, message.Size, message.StoredAt));
        Recover<RecoveryCompleted>(_ =>
        {
            if (!sharded)
            {
                Context.Parent.Tell(new StreamProtocol.Recovered(_settings.Name));
            }

            _index.AtLeast(LastSequenceNr);
            ApplyRetention();
            if (_settings.MaxAge is { } maxAge)
            {
                // Often enough that a message outlives max-age by a tenth of it at most.
                var every = TimeSpan.FromTicks(Math.Clamp(maxAge.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
                Timers.StartPeriodicTimer(RetentionTimer, RetentionTick.Instance, every);
            }
        });

        Command<StreamProtocol.Append>(OnAppend);
        Command<Flush>(_ =>
        {
            SendStored();
            StopIfIdle();
        });
        Command<StreamProtocol.StopWhenIdle>(_ =>
        {
            _stopping = true;
            StopIfIdle();
        });
        Command<StreamProtocol.Follow>(follow =>
        {
            if (_followers.Add(follow.Consumer))
            {
                Context.Watch(follow.Consumer);
            }

            Sender.Tell(new StreamProtocol.Range(_index.FirstSeq, _index.LastSeq));
        });
        Command<Terminated>(terminated => _followers.Remove(terminated.ActorRef));
        Command<StreamProtocol.GetInfo>(_ => Sender.Tell(Info("ready")));
        Command<RetentionTick>(_ => ApplyRetention());
        Command<SaveSnapshotSuccess>(saved =>
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => Context.GetLogger().Warning(failed.Cause, "stream {0}: a snapshot was not saved; recovery will replay more", _settings.Name));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => Context.GetLogger().Warning(failed.Cause, "stream {0}: old snapshots were not deleted", _settings.Name));
        Command<DeleteMessagesSuccess>(_ =>
        {
            _deleting = false;
            ApplyRetention();
        });
        Command<DeleteMessagesFailure>(failed =>
        {
            _deleting = false;
            _deleteAgain = Math.Max(_deleteAgain, failed.ToSequenceNr);
            Context.GetLogger().Warning(failed.Cause, "stream {0}: retention could not delete messages up to {1}; it tries again with the next write or retention tick", _settings.Name, failed.ToSequenceNr);
        });
    }

    public override string PersistenceId => Id(_settings.Name);

    public ITimerScheduler Timers { get; set; } = null!;

    public static string Id(string stream) => "stream/" + stream;

    public static Props Props(StreamSettings settings, StreamPlugins? plugins = null, bool sharded = false) => Akka.Actor.Props.Create(() => new StreamActor(settings, plugins, sharded));

    /// <summary>Each publish is stored in order; all of one batch go to the journal as one write.</summary>
    private void OnAppend(StreamProtocol.Append append)
    {
        var now = DateTime.UtcNow.Ticks;
        var records = new StoredMessage[append.Entries.Length];
        for (var i = 0; i < records.Length; i++)
        {
            var message = append.Entries[i].Message;
            _writing.Enqueue(append.Entries[i]);
            records[i] = new StoredMessage(message.Topic, message.Body, message.Key, message.RunId, now);
        }

        PersistAllAsync(records, OnStored);
    }

    private void OnStored(StoredMessage stored)
    {
        var seq = LastSequenceNr;
        var entry = _writing.Dequeue();
        _index.Add(seq, stored.Size, stored.StoredAt);
        Answer(entry, Stored(entry, seq));
        _stored.Add(new PublishedMessage(stored.Topic, stored.Body, stored.Key, stored.RunId) { Stream = _settings.Name, Seq = seq });
        if (seq % SnapshotEvery == 0)
        {
            _snapshotDue = true;
        }

        if (!_flushScheduled)
        {
            // Written callbacks come one message each; the flush after them sends one batch per connection and per follower.
            _flushScheduled = true;
            Self.Tell(Flush.Instance);
        }
    }

    /// <summary>Once stopping, stops when nothing is being written: publishes being written are answered by the flush after their write.</summary>
    private void StopIfIdle()
    {
        if (_stopping && _writing.Count == 0 && !_flushScheduled)
        {
            Context.Stop(Self);
        }
    }

    private IpcResponse Stored(StreamProtocol.Appending entry, long seq)
    {
        var envelope = entry.Request.Envelope;
        return envelope.MessageType == MessageTypes.RuntimeForward
            ? IpcResponse.Success(MessageTypes.RuntimeForwardAck, envelope.RunId, ChannelPayloads.ForwardAck)
            : IpcResponse.Success(MessageTypes.RuntimePublishAck, envelope.RunId, BrokerReplies.Stored(entry.Matched, _settings.Name, seq));
    }

    private void Answer(StreamProtocol.Appending entry, IpcResponse response)
    {
        if (!_replies.TryGetValue(entry.ReplyTo, out var replies))
        {
            replies = [];
            _replies.Add(entry.ReplyTo, replies);
        }

        replies.Add(new ChannelProtocol.Reply(entry.Request.Id, response));
    }

    private void SendStored()
    {
        _flushScheduled = false;
        foreach (var (connection, replies) in _replies)
        {
            connection.Tell(replies.Count == 1 ? replies[0] : new ChannelProtocol.ReplyBatch([.. replies], replies.Count));
        }

        _replies.Clear();
        if (_stored.Count > 0)
        {
            var appended = new StreamProtocol.Appended([.. _stored], _index.FirstSeq);
            foreach (var follower in _followers)
            {
                follower.Tell(appended);
            }

            _stored.Clear();
        }

        ApplyRetention();
        if (_snapshotDue)
        {
            _snapshotDue = false;
            SaveSnapshot(_index.ToSnapshot());
        }
    }

    /// <summary>Deletes what the limits no longer allow, one delete at a time.</summary>
    private void ApplyRetention()
    {
        if (_deleting)
        {
            return;
        }

        var trimmedTo = _index.Trim(_settings, DateTime.UtcNow.Ticks);
        var upTo = Math.Max(trimmedTo ?? 0, _deleteAgain);
        if (upTo == 0)
        {
            return;
        }

        _deleteAgain = 0;
        if (trimmedTo is not null)
        {
            // Gone from the stream from now on, for followers too, though the delete is still to come: a
            // consumer never delivers what the stream no longer counts, and takes a gap below the first
            // retained message as deleted (only such a gap).
            var trimmed = new StreamProtocol.Trimmed(_index.FirstSeq);
            foreach (var follower in _followers)
            {
                follower.Tell(trimmed);
            }
        }

        _deleting = true;
        DeleteMessages(upTo);
    }

    private StreamInfo Info(string status) =>
        new(_settings.Name, _settings.Subjects, status, _index.FirstSeq, _index.LastSeq, Math.Max(0, _index.Messages), _index.Bytes, []);

    /// <summary>A failed write stops the actor (Akka.Persistence's rule); every publish not yet answered is refused, never lost silently.</summary>
    protected override void PostStop()
    {
        foreach (var entry in _writing)
        {
            Answer(entry, IpcErrors.HandlerFailed(entry.Request.Envelope.MessageType, entry.Request.Envelope.RunId));
        }

        _writing.Clear();
        foreach (var (connection, replies) in _replies)
        {
            connection.Tell(new ChannelProtocol.ReplyBatch([.. replies], replies.Count));
        }

        _replies.Clear();
        base.PostStop();
    }

    /// <summary>
    /// A write the journal refused (it did not store it): its publish is not acknowledged. The stream
    /// stops like on a failed write, answering what it has not answered handler_failed, and recovers
    /// from what was stored when the broker starts it again.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Context.GetLogger().Error(cause, "stream {0}: the journal refused message {1}; the stream stops and its unanswered publishes are refused", _settings.Name, sequenceNr);
        Context.Stop(Self);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Context.GetLogger().Error(cause, "stream {0}: storing message {1} failed; the stream stops and its unanswered publishes are refused", _settings.Name, sequenceNr);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Context.GetLogger().Error(reason, "stream {0}: its storage could not be read; publishes to it are refused until it is back", _settings.Name);

    private sealed class Flush
    {
        public static readonly Flush Instance = new();

        private Flush()
        {
        }
    }

    private sealed class RetentionTick
    {
        public static readonly RetentionTick Instance = new();

        private RetentionTick()
        {
        }
    }
}
