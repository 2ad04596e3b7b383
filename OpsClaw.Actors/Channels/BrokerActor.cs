using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Clustering;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The broker of the runtime channel (docs/protocol.md §9), a child of <see cref="RuntimeChannelActor"/>.
/// It owns the registry of patterns and every subscription's place in it, answers publish, subscribe,
/// unsubscribe, ack and nack, and fans each publish out: an at-most-once delivery goes straight to
/// the subscriber's connection (which numbers it, and drops it if the subscriber holds too many
/// unwritten), an at-least-once one to the <see cref="BrokerAckQueueActor"/> of its subscription or
/// group. It watches every connection that subscribes, so a client that goes away loses its
/// subscriptions without any polling.
/// </summary>
internal sealed class BrokerActor : ReceiveActor
{
    private readonly BrokerSettings _settings;
    private readonly BrokerPayloadReader _reader;
    private readonly BrokerMetrics _metrics;
    private readonly SubscriptionRegistry _registry = new();
    private readonly MatchResult _match = new();
    private readonly Dictionary<SubscriptionId, LiveSubscription> _subscriptions = [];
    private readonly Dictionary<IActorRef, ConnectionSubscriptions> _connections = [];
    private readonly Dictionary<(string Name, string Pattern), GroupState> _groups = [];

    /// <summary>The queues of explicit-ack subscriptions and groups, and the group each serves (null for a plain subscription's).</summary>
    private readonly Dictionary<IActorRef, (string Name, string Pattern)?> _queues = [];

    /// <summary>Places taken in queue gauges by the publish being admitted, given back if another queue refuses it.</summary>
    private readonly List<QueueGauge> _taken = [];

    /// <summary>Ledger numbers of the remote publish being handled that this node gives back to its origin.</summary>
    private readonly List<long> _returned = [];

    /// <summary>
    /// Messages other nodes routed to explicit-ack groups here and their queues still hold, by the
    /// origin's address and its ledger number: what a <see cref="LedgerCheck"/> is answered from.
    /// </summary>
    private readonly HashSet<(string Origin, long Ledger)> _heldForOrigins = [];

    /// <summary>Ledger numbers of the remote publish being handled that are settled as soon as delivered (an at-most-once group here).</summary>
    private readonly List<long> _settledNow = [];

    private readonly ForwardListeners _forwardListeners;
    private long _lastId;

    /// <summary>In a cluster, where the figures of subscriptions to consumers on other nodes are found again; null otherwise.</summary>
    private readonly StatsDirectory? _stats;

    /// <summary>At-most-once deliveries made while handling one message, per connection, told as one batch at its end.</summary>
    private readonly DeliveryOutbox _outbox = new();

    /// <summary>Messages for acknowledgement queues accepted while handling one message, told as one batch per queue at its end.</summary>
    private readonly Dictionary<IActorRef, List<PublishedMessage>> _enqueued = new(ReferenceEqualityComparer.Instance);

    /// <summary>The declared streams (docs/broker.md, "Streams"), their actors and durable consumers.</summary>
    private readonly BrokerStreams _streams;

    /// <summary>The broker's part in a cluster (docs/cluster.md); null on a host that is not in one.</summary>
    private readonly BrokerCluster? _cluster;

    public BrokerActor(BrokerSettings settings, int maxJsonDepth, ForwardListeners? forwardListeners = null, bool clustered = false)
    {
        _settings = settings;
        _forwardListeners = forwardListeners ?? new ForwardListeners();
        _reader = new BrokerPayloadReader(maxJsonDepth);
        _metrics = BrokerMetrics.Get(Context.System);
        _streams = new BrokerStreams(settings, Context, clustered);
        _cluster = clustered ? new BrokerCluster(Context, settings.MaxQueued, settings.AckWait) : null;
        if (clustered)
        {
            // A durable consumer in a cluster holds subscriptions of several nodes: their ids must not meet.
            _lastId = Random.Shared.NextInt64(1L << 40, 1L << 62);
            _stats = StatsDirectory.Get(Context.System);
        }

        // A stream that stores runtime.forward needs every forward, whoever listens.
        UpdateForwardListeners();
        Receive<ChannelProtocol.Request>(request =>
        {
            if (Answer(request, Sender) is { } reply)
            {
                Sender.Tell(reply);
            }

            SendOutbox();
        });
        Receive<ChannelProtocol.RequestBatch>(batch => OnBatch(batch, Sender));
        Receive<BrokerProtocol.InputEnded>(ended => RemoveConnection(ended.Connection, tellConnection: true));
        Receive<Terminated>(terminated =>
        {
            switch (_streams.Stopped(terminated.ActorRef))
            {
                case BrokerStreams.StoppedKind.Consumer:
                    EndSubscriptionsOf(terminated.ActorRef);
                    break;
                case BrokerStreams.StoppedKind.NotOurs:
                    RemoveConnection(terminated.ActorRef, tellConnection: false);
                    break;
            }
        });
        Receive<StreamProtocol.Refused>(refused =>
        {
            if (_subscriptions.TryGetValue(refused.Id, out var subscription))
            {
                _connections[subscription.Connection].Remove(subscription.Subscription);
                Remove(subscription, tellConnection: false);
            }
        });
        Receive<StreamProtocol.Joined>(_ => { });
        Receive<StreamProtocol.Lost>(lost => EndSubscriptions(lost.Ids.Select(id => _subscriptions.GetValueOrDefault(id)).OfType<LiveSubscription>()));
        Receive<BrokerStreams.Restart>(restart => _streams.Start(restart.Stream));
        Receive<StreamProtocol.Recovered>(_streams.Recovered);
        Receive<BrokerStreams.KnownConsumers>(known => _streams.Adopt(known));
        Receive<BrokerStreams.ConsumersUnknown>(unknown => _streams.Retry(unknown, Context.GetLogger()));
        Receive<BrokerStreams.FindConsumers>(_ => _streams.FindDurableConsumers());
        Receive<BrokerProtocol.GetStreams>(_ => _streams.Report().PipeTo(Sender));
        Receive<BrokerProtocol.Idle>(idle => OnQueueIdle(idle.Queue));
        Receive<BrokerProtocol.GetTopics>(_ => Sender.Tell(BrokerTopics.Report(_registry, _subscriptions, _groups)));
        Receive<BrokerProtocol.GetCluster>(_ =>
        {
            var report = _cluster?.Report(_registry, IsExplicitGroup) ?? BrokerCluster.Disabled;
            if (_streams.Sharded)
            {
                _streams.WithHosts(report).PipeTo(Sender);
            }
            else
            {
                Sender.Tell(report);
            }
        });
        if (_cluster is { } cluster)
        {
            Receive<RemotePublish>(OnRemotePublish);
            Receive<RemoteSettled>(settled => cluster.OnSettled(settled, Sender));
            Receive<RemoteReturned>(returned => Reroute(cluster.TakeReturned(returned, Sender), DateTime.UtcNow));
            Receive<BrokerCluster.AuditLedger>(_ => cluster.Audit());
            Receive<LedgerMissing>(missing => Reroute(cluster.TakeMissing(missing, Sender), DateTime.UtcNow, excludeHolder: false));
            Receive<LedgerCheck>(check =>
            {
                var origin = Sender.Path.Address.ToString();
                Sender.Tell(new LedgerMissing([.. check.Ledger.Where(number => !_heldForOrigins.Contains((origin, number)))]));
            });
            Receive<BrokerProtocol.OriginDone>(done =>
            {
                var origin = done.Origin.Path.Address.ToString();
                foreach (var number in done.Ledger)
                {
                    _heldForOrigins.Remove((origin, number));
                }
            });
            Receive<BrokerCluster.RetryParked>(_ =>
            {
                foreach (var parked in cluster.TakeParked())
                {
                    Reroute([parked.Entry], parked.Since, excludeHolder: false);
                }
            });
            Receive<BrokerCluster.FlushInterest>(_ => cluster.Flush(_registry, IsExplicitGroup));
            Receive<Changed>(changed =>
            {
                if (cluster.OnChanged(changed))
                {
                    UpdateForwardListeners();
                }
            });
            Receive<ClusterEvent.MemberRemoved>(removed =>
            {
                var (interestChanged, held) = cluster.OnRemoved(removed);
                if (interestChanged)
                {
                    UpdateForwardListeners();
                }

                // What the node held unacknowledged goes to the group's members elsewhere.
                Reroute(held, DateTime.UtcNow);
            });
            Receive<IUpdateResponse>(cluster.OnUpdateResponse);
            Receive<ClusterEvent.MemberUp>(cluster.OnUp);
        }
    }

    /// <summary>The broker's props.</summary>
    /// <param name="settings">Its bounds.</param>
    /// <param name="maxJsonDepth">The deepest nesting accepted in a payload (<c>max-json-depth</c>).</param>
    /// <param name="forwardListeners">Where the broker shows whether anything subscribes to <c>runtime.forward</c>.</param>
    /// <param name="clustered">Whether the host is in a cluster (<c>opsclaw.cluster.enabled</c>, the actor system's provider a cluster's).</param>
    public static Props Props(BrokerSettings settings, int maxJsonDepth, ForwardListeners? forwardListeners = null, bool clustered = false) =>
        Akka.Actor.Props.Create(() => new BrokerActor(settings, maxJsonDepth, forwardListeners, clustered));

    /// <summary>
    /// A crash restarts the broker empty (its runtime channel's strategy): the connections of its
    /// subscriptions are told they ended, as when a durable consumer stops, so none keeps waiting
    /// for deliveries that cannot come. The new instance's constructor sets the forward listeners again.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Connection.Tell(new BrokerProtocol.Unsubscribed(subscription.Id));
        }

        base.PreRestart(reason, message);
    }

    /// <summary>The broker's part in the cluster takes back what it counted on the meter, and its subscriptions' figures leave the directory.</summary>
    protected override void PostStop()
    {
        _cluster?.Stop();
        foreach (var id in _subscriptions.Keys)
        {
            _stats?.Remove(id);
        }

        base.PostStop();
    }

    /// <summary>Failures of a queue restart it empty; the broker's own state (who is subscribed) is what matters and lives here.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>The message types the broker answers.</summary>
    public static bool Handles(string messageType) => messageType is
        MessageTypes.RuntimePublish or MessageTypes.RuntimeForward or MessageTypes.RuntimeSubscribe
        or MessageTypes.RuntimeUnsubscribe or MessageTypes.RuntimeAck or MessageTypes.RuntimeNack;

    /// <summary>A read's requests in order; the replies given at once go back as one batch, the deliveries per connection too.</summary>
    private void OnBatch(ChannelProtocol.RequestBatch batch, IActorRef replyTo)
    {
        HandlerTable.AnswerAll(batch, replyTo, Answer);
        SendOutbox();
    }

    private void SendOutbox()
    {
        _outbox.SendAll();
        _cluster?.SendAll();
        _streams.SendAppends();
        if (_enqueued.Count > 0)
        {
            foreach (var (queue, messages) in _enqueued)
            {
                queue.Tell(new BrokerProtocol.Enqueue([.. messages]));
            }

            _enqueued.Clear();
        }
    }

    private void Push(IActorRef connection, BrokerProtocol.Deliver deliver) => _outbox.Add(connection, deliver);

    private void Enqueue(IActorRef queue, PublishedMessage message)
    {
        if (!_enqueued.TryGetValue(queue, out var messages))
        {
            messages = [];
            _enqueued.Add(queue, messages);
        }

        messages.Add(message);
    }

    /// <summary>The request's reply if given at once; null when its subscription's queue answers it.</summary>
    private ChannelProtocol.Reply? Answer(ChannelProtocol.Request request, IActorRef replyTo)
    {
        var envelope = request.Envelope;
        var response = envelope.MessageType switch
        {
            MessageTypes.RuntimePublish => OnPublish(request, replyTo),
            MessageTypes.RuntimeForward => OnForward(request, replyTo),
            MessageTypes.RuntimeSubscribe => OnSubscribe(request, replyTo),
            MessageTypes.RuntimeUnsubscribe => OnUnsubscribe(envelope, replyTo),
            MessageTypes.RuntimeAck or MessageTypes.RuntimeNack => OnSettle(request, replyTo),
            _ => IpcErrors.UnsupportedMessageType(RuntimeChannelActor.Name, envelope.MessageType, envelope.RunId),
        };
        return response is null ? null : new ChannelProtocol.Reply(request.Id, response);
    }

    /// <summary>A publish is answered at once, or, when a stream stores its topic, by the stream once stored (null here).</summary>
    private IpcResponse? OnPublish(ChannelProtocol.Request request, IActorRef replyTo)
    {
        var envelope = request.Envelope;
        var read = _reader.ReadPublish(envelope.PayloadUtf8, envelope.PayloadMembers);
        if (read.Value is not { } publish)
        {
            return read.Reject(envelope.MessageType, envelope.RunId);
        }

        var stream = _streams.For(publish.Topic);
        if (stream is not null && _streams.Refusal(stream, envelope) is { } streamRefusal)
        {
            return streamRefusal;
        }

        _registry.Match(publish.Topic, _match);
        var message = publish.ToMessage(envelope.RunId);
        if (Publish(message, envelope) is { } refused)
        {
            return refused;
        }

        var matched = _match.Matched + Routed(message);
        if (stream is not null)
        {
            _streams.Append(stream, new StreamProtocol.Appending(request, replyTo, message, matched));
            return null;
        }

        return IpcResponse.Success(MessageTypes.RuntimePublishAck, envelope.RunId, BrokerReplies.Matched(matched));
    }

    /// <summary><c>runtime.forward</c> publishes its payload to topic <c>runtime.forward</c>, keyed by its run_id; its reply stays the §6 bytes.</summary>
    private IpcResponse? OnForward(ChannelProtocol.Request request, IActorRef replyTo)
    {
        var envelope = request.Envelope;
        var stream = _streams.For(TopicSyntax.ForwardTopic);
        if (stream is not null && _streams.Refusal(stream, envelope) is { } streamRefusal)
        {
            return streamRefusal;
        }

        _registry.Match(TopicSyntax.ForwardTopic, _match);
        if (stream is not null)
        {
            var read = _reader.ReadForward(envelope.PayloadUtf8, envelope.RunId);
            if (read.Value is not { } stored)
            {
                return read.Reject(envelope.MessageType, envelope.RunId);
            }

            if (Publish(stored, envelope) is { } refused)
            {
                return refused;
            }

            var matched = _match.Matched + Routed(stored);
            _streams.Append(stream, new StreamProtocol.Appending(request, replyTo, stored, matched));
            return null;
        }

        if (_match.Matched > 0 || (_cluster?.Route.AnyRemote(TopicSyntax.ForwardTopic) ?? false))
        {
            // Only read when someone listens: forward is the hot path of the original contract.
            var read = _reader.ReadForward(envelope.PayloadUtf8, envelope.RunId);
            if (read.Value is not { } message)
            {
                return read.Reject(envelope.MessageType, envelope.RunId);
            }

            if (Publish(message, envelope) is { } refused)
            {
                return refused;
            }

            Routed(message);
        }
        else
        {
            _metrics.Published();
        }

        return IpcResponse.Success(MessageTypes.RuntimeForwardAck, envelope.RunId, ChannelPayloads.ForwardAck);
    }

    /// <summary>
    /// Delivers a message to what <see cref="_match"/> holds, or refuses it whole when an explicit-ack
    /// queue among them is full (then it is stored nowhere).
    /// </summary>
    private IpcResponse? Publish(PublishedMessage message, IpcRequest envelope)
    {
        // Plans the other nodes' share first: a group served by another node for this message is not delivered here.
        _cluster?.Route.Plan(message.Topic, message.KeyHash, _match);
        if (Admit() is { } full)
        {
            _cluster?.Route.Clear();
            _metrics.Refused();
            return IpcErrors.QueueFull(full, _settings.MaxQueued, envelope.RunId);
        }

        _metrics.Published();
        message.WrittenOnce = _match.Matched == 1;
        foreach (var id in _match.Subscriptions)
        {
            var subscription = _subscriptions[id];
            if (subscription.Queue is { } queue)
            {
                Enqueue(queue, message);
            }
            else
            {
                Push(subscription.Connection, new BrokerProtocol.Deliver(id, message, 0, false));
            }
        }

        foreach (var group in _match.Groups)
        {
            if (_cluster is null || !_cluster.Route.ServedElsewhere(group))
            {
                DeliverToGroup(group, message);
            }
        }

        return null;
    }

    private void DeliverToGroup(QueueGroup group, PublishedMessage message)
    {
        var state = _groups[(group.Name, group.Pattern)];
        if (state.Queue is { } queue)
        {
            Enqueue(queue, message);
        }
        else
        {
            var member = group.Choose(message.KeyHash);
            Push(_subscriptions[member].Connection, new BrokerProtocol.Deliver(member, message, 0, false));
        }
    }

    /// <summary>Sends a message accepted here to the other nodes its plan names; returns how many subscriptions and groups there it reaches.</summary>
    private int Routed(PublishedMessage message)
    {
        if (_cluster is not { } cluster)
        {
            return 0;
        }

        var remote = cluster.Route.RemoteMatched;
        cluster.Commit(message);
        return remote;
    }

    /// <summary>
    /// Publishes made on another node: delivered to every plain subscription here that matches, and
    /// to the groups the publishing node chose this node for. Nothing is sent on to a third node. An
    /// explicit-ack queue that is full drops its copy (the publisher was answered already) and counts
    /// it as refused.
    /// </summary>
    private void OnRemotePublish(RemotePublish publish)
    {
        IpcMeter.ClusterReceived.Add(publish.Messages.Length);
        foreach (var remote in publish.Messages)
        {
            if (TopicSyntax.CheckTopic(remote.Topic) is not null)
            {
                continue;
            }

            var message = new PublishedMessage(remote.Topic, remote.Body, remote.Key, remote.RunId);
            _registry.Match(remote.Topic, _match);
            DeliverRemoteToGroups(remote, message, Sender);
            if (remote.Resent)
            {
                continue;
            }

            foreach (var id in _match.Subscriptions)
            {
                var subscription = _subscriptions[id];
                if (subscription.Queue is { } queue)
                {
                    if (subscription.Gauge is { } gauge && !gauge.TryTake())
                    {
                        _metrics.Refused();
                        continue;
                    }

                    Enqueue(queue, message);
                }
                else
                {
                    Push(subscription.Connection, new BrokerProtocol.Deliver(id, message, 0, false));
                }
            }
        }

        if (_returned.Count > 0)
        {
            Sender.Tell(new RemoteReturned([.. _returned]));
            _returned.Clear();
        }

        if (_settledNow.Count > 0)
        {
            Sender.Tell(new RemoteSettled([.. _settledNow]));
            _settledNow.Clear();
        }

        SendOutbox();
    }

    /// <summary>
    /// The groups another node chose this one for. A message of an explicit-ack group keeps its
    /// origin and ledger number, so its ack is reported back; one this node cannot take (the
    /// group has no member here any more, or its queue is full) is given back to be routed elsewhere.
    /// </summary>
    private void DeliverRemoteToGroups(RemoteMessage remote, PublishedMessage message, IActorRef origin)
    {
        foreach (var pick in remote.Groups)
        {
            var group = _match.FindGroup(pick.Name, pick.Pattern);
            var state = group is null ? null : _groups[(pick.Name, pick.Pattern)];
            if (group is null || (state!.Gauge is { } gauge && !gauge.TryTake()))
            {
                if (pick.Ledger != 0)
                {
                    _returned.Add(pick.Ledger);
                }
                else
                {
                    _metrics.Refused();
                }

                continue;
            }

            if (pick.Ledger != 0 && state!.Queue is null)
            {
                // The group acknowledges nothing here (its ack mode differed across nodes for a moment): settled once handed over.
                _settledNow.Add(pick.Ledger);
            }

            var held = pick.Ledger != 0 && state!.Queue is not null;
            if (held && !_heldForOrigins.Add((origin.Path.Address.ToString(), pick.Ledger)))
            {
                // Sent again after an audit while the first copy is still here: one is enough.
                state!.Gauge?.Give();
                continue;
            }

            var copy = !held
                ? message
                : new PublishedMessage(message.Topic, message.Body, message.Key, message.RunId) { Redelivered = remote.Resent, Origin = origin, OriginLedger = pick.Ledger };
            DeliverToGroup(group, copy);
        }
    }

    /// <summary>
    /// Routes again messages of explicit-ack groups that another node held (it was removed, or gave
    /// them back): to the group's members here or on another node, marked redelivered. The node
    /// that held one is left out the first time; a message no member can take now is parked and
    /// tried again every second (the node that gave it back included), for ack-wait, then dropped,
    /// as a group with no member keeps what it holds on one host.
    /// </summary>
    /// <param name="entries">The messages.</param>
    /// <param name="since">When they first needed a new home, for the ack-wait they may wait.</param>
    /// <param name="excludeHolder">Leave out the node that held each one (it went away, or could not take it).</param>
    private void Reroute(List<BrokerCluster.Ledgered> entries, DateTime since, bool excludeHolder = true)
    {
        if (entries.Count == 0 || _cluster is not { } cluster)
        {
            return;
        }

        foreach (var entry in entries)
        {
            var message = new PublishedMessage(entry.Message.Topic, entry.Message.Body, entry.Message.Key, entry.Message.RunId) { Redelivered = true };
            var local = _groups.TryGetValue((entry.Group.Name, entry.Group.Pattern), out var state) && state.Queue is not null ? state : null;
            var (found, node) = cluster.Route.ChooseAgain(entry.Group, message.KeyHash, local?.Members ?? 0, excludeHolder ? entry.Node : null);
            if (!found)
            {
                if (DateTime.UtcNow - since < _settings.AckWait)
                {
                    cluster.Park(entry, since);
                }
                else
                {
                    _metrics.Dropped();
                }

                continue;
            }

            IpcMeter.ClusterRerouted.Add(1);
            if (node is not null)
            {
                cluster.Resend(node, message, entry.Group);
            }
            else if (local is { Queue: { } queue })
            {
                local.Gauge?.Take();
                Enqueue(queue, message);
            }
        }

        SendOutbox();
    }

    private bool IsExplicitGroup(string name, string pattern) =>
        _groups.TryGetValue((name, pattern), out var state) && state.Ack == AckMode.Explicit;

    /// <summary>Takes a place in every explicit-ack queue the message goes to; on the first that is full, gives them back and names it.</summary>
    private string? Admit()
    {
        _taken.Clear();
        string? full = null;
        foreach (var id in _match.Subscriptions)
        {
            if (_subscriptions[id].Gauge is { } gauge && !Take(gauge))
            {
                full = $"subscription '{_subscriptions[id].Subscription}' on '{_subscriptions[id].Pattern}'";
                break;
            }
        }

        if (full is null)
        {
            foreach (var group in _match.Groups)
            {
                if (_cluster is not null && _cluster.Route.ServedElsewhere(group))
                {
                    continue;
                }

                if (_groups[(group.Name, group.Pattern)].Gauge is { } gauge && !Take(gauge))
                {
                    full = $"group '{group.Name}' on '{group.Pattern}'";
                    break;
                }
            }
        }

        full ??= _cluster?.Refusal();
        if (full is not null)
        {
            foreach (var taken in _taken)
            {
                taken.Give();
            }
        }

        _taken.Clear();
        return full;
    }

    private bool Take(QueueGauge gauge)
    {
        if (!gauge.TryTake())
        {
            return false;
        }

        _taken.Add(gauge);
        return true;
    }

    private IpcResponse? OnSubscribe(ChannelProtocol.Request request, IActorRef replyTo)
    {
        var envelope = request.Envelope;
        var read = _reader.ReadSubscribe(envelope.PayloadUtf8, envelope.PayloadMembers);
        if (read.Value is not { } subscribe)
        {
            return read.Reject(envelope.MessageType, envelope.RunId);
        }

        if (subscribe.Durable is { } durable)
        {
            return OnDurableSubscribe(request, replyTo, subscribe, durable);
        }

        var pattern = subscribe.Pattern.Text;
        if (subscribe.Group is { } remoteGroup && _cluster?.AckElsewhere(new GroupName(remoteGroup, pattern), subscribe.Ack) is { } otherAck)
        {
            // The same check across nodes, as far as the replicated registry shows the group's members elsewhere.
            return IpcErrors.InvalidPayload(
                envelope.MessageType,
                $"group '{remoteGroup}' on '{pattern}' has ack '{BrokerTopics.AckName(otherAck)}' members on other nodes; every member must subscribe with the same ack",
                envelope.RunId);
        }

        if (subscribe.Group is { } groupName && _groups.TryGetValue((groupName, pattern), out var existing) && existing.Ack != subscribe.Ack)
        {
            return IpcErrors.InvalidPayload(
                envelope.MessageType,
                $"group '{groupName}' on '{pattern}' has ack '{BrokerTopics.AckName(existing.Ack)}' members; every member must subscribe with the same ack",
                envelope.RunId);
        }

        if (ConnectionFor(replyTo, envelope) is not { } connection)
        {
            return IpcErrors.SubscriptionLimit(_settings.MaxSubscriptionsPerConnection, envelope.RunId);
        }

        var id = new SubscriptionId(++_lastId);
        var wireId = connection.NextId();
        var stats = new SubscriptionStats();
        _registry.Add(id, subscribe.Pattern, subscribe.Group);
        _cluster?.InterestChanged();

        // Before the ack: the connection must know the subscription before any delivery for it can come.
        replyTo.Tell(new BrokerProtocol.Subscribed(id, wireId, request.Id, subscribe.Ack, subscribe.MaxPending, stats));

        IActorRef? queue = null;
        QueueGauge? gauge = null;
        if (subscribe.Group is { } group)
        {
            var state = GroupOf(group, pattern, subscribe.Ack);
            state.Members++;
            queue = state.Queue;

            // The queue counts the member in when it reads the join; a publish answered before that must
            // already see the room the ack promised (the queue sets the exact sum again then).
            state.Gauge?.AddPendingCapacity(subscribe.MaxPending);
        }
        else if (subscribe.Ack == AckMode.Explicit)
        {
            gauge = new QueueGauge(_settings.MaxQueued);
            gauge.SetPendingCapacity(subscribe.MaxPending);
            queue = Context.ActorOf(BrokerAckQueueActor.Props(gauge, _settings.AckWait, null), "queue-" + id.Value);
            _queues.Add(queue, null);
        }

        var live = new LiveSubscription(id, replyTo, wireId, pattern, subscribe.Group, subscribe.Ack, subscribe.MaxPending, stats, queue, gauge);
        _subscriptions.Add(id, live);
        connection.Add(live);
        UpdateForwardListeners();
        queue?.Tell(new BrokerProtocol.Join(new BrokerProtocol.Member(id, replyTo, wireId, subscribe.MaxPending, stats)));
        _metrics.SubscriptionAdded();
        return IpcResponse.Success(MessageTypes.RuntimeSubscribeAck, envelope.RunId, BrokerReplies.Subscribed(wireId));
    }

    /// <summary>The connection's subscriptions (watched from its first), or null when it holds as many as it may.</summary>
    private ConnectionSubscriptions? ConnectionFor(IActorRef replyTo, IpcRequest envelope)
    {
        if (!_connections.TryGetValue(replyTo, out var connection))
        {
            connection = new ConnectionSubscriptions();
            _connections.Add(replyTo, connection);
            Context.Watch(replyTo);
        }

        return connection.Count >= _settings.MaxSubscriptionsPerConnection ? null : connection;
    }

    /// <summary>
    /// A durable consumer's subscription: kept here like any other (limits, unsubscribe, the connection
    /// ending), but answered by the consumer, which may refuse it (another topic than the one it reads).
    /// </summary>
    private IpcResponse? OnDurableSubscribe(ChannelProtocol.Request request, IActorRef replyTo, SubscribeRequest subscribe, DurableRequest durable)
    {
        var envelope = request.Envelope;
        if (_streams.Named(durable.Stream) is not { } stream)
        {
            return IpcErrors.InvalidPayload(envelope.MessageType, _streams.NoSuchStream(durable.Stream), envelope.RunId);
        }

        if (!stream.Available)
        {
            return _streams.Unavailable(stream, envelope);
        }

        if (ConnectionFor(replyTo, envelope) is not { } connection)
        {
            return IpcErrors.SubscriptionLimit(_settings.MaxSubscriptionsPerConnection, envelope.RunId);
        }

        var id = new SubscriptionId(++_lastId);
        var wireId = connection.NextId();
        var stats = new SubscriptionStats();
        var consumer = _streams.ConsumerOf(stream, durable.Durable);
        var live = new LiveSubscription(id, replyTo, wireId, subscribe.Pattern.Text, null, AckMode.Explicit, subscribe.MaxPending, stats, consumer, null);
        _subscriptions.Add(id, live);
        connection.Add(live);
        _metrics.SubscriptionAdded();
        _stats?.Add(id, stats);
        consumer.Tell(new StreamProtocol.Subscribe(new BrokerProtocol.Member(id, replyTo, wireId, subscribe.MaxPending, stats), request, subscribe.Pattern, durable.Start, Self));
        return null;
    }

    /// <summary>A durable consumer stopped (its storage failed): its subscriptions end, and their connections are told.</summary>
    private void EndSubscriptionsOf(IActorRef consumer) =>
        EndSubscriptions(_subscriptions.Values.Where(subscription => Equals(subscription.Queue, consumer)));

    /// <summary>Ends subscriptions the broker did not end itself (their consumer stopped), telling their connections.</summary>
    private void EndSubscriptions(IEnumerable<LiveSubscription> subscriptions)
    {
        foreach (var subscription in subscriptions.ToList())
        {
            _connections[subscription.Connection].Remove(subscription.Subscription);
            Remove(subscription, tellConnection: true);
        }
    }

    private GroupState GroupOf(string name, string pattern, AckMode ack)
    {
        if (_groups.TryGetValue((name, pattern), out var state))
        {
            return state;
        }

        state = new GroupState(ack, new SubscriptionStats());
        if (ack == AckMode.Explicit)
        {
            state.Gauge = new QueueGauge(_settings.MaxQueued);
            state.Queue = Context.ActorOf(BrokerAckQueueActor.Props(state.Gauge, _settings.AckWait, state.Stats), "queue-g" + (++_lastId));
            _queues.Add(state.Queue, (name, pattern));
        }

        _groups.Add((name, pattern), state);
        return state;
    }

    private IpcResponse OnUnsubscribe(IpcRequest envelope, IActorRef replyTo)
    {
        var read = _reader.ReadUnsubscribe(envelope.PayloadUtf8, envelope.PayloadMembers);
        if (read.Value is not { } unsubscribe)
        {
            return read.Reject(envelope.MessageType, envelope.RunId);
        }

        if (Find(replyTo, unsubscribe.Subscription) is not { } subscription)
        {
            return IpcErrors.UnknownSubscription(unsubscribe.Subscription, envelope.RunId);
        }

        _connections[replyTo].Remove(subscription.Subscription);
        Remove(subscription, tellConnection: true);
        return IpcResponse.Success(MessageTypes.RuntimeUnsubscribeAck, envelope.RunId, IpcResponse.EmptyPayload);
    }

    /// <summary>An ack or nack: checked here, settled by the subscription's queue, which answers the connection itself.</summary>
    private IpcResponse? OnSettle(ChannelProtocol.Request request, IActorRef replyTo)
    {
        var envelope = request.Envelope;
        string subscriptionId;
        long delivery;
        BrokerProtocol.SettleKind kind;
        if (envelope.MessageType == MessageTypes.RuntimeAck)
        {
            var read = _reader.ReadAck(envelope.PayloadUtf8, envelope.PayloadMembers);
            if (read.Value is not { } ack)
            {
                return read.Reject(envelope.MessageType, envelope.RunId);
            }

            (subscriptionId, delivery, kind) = (ack.Subscription, ack.Delivery, ack.UpTo ? BrokerProtocol.SettleKind.AckUpTo : BrokerProtocol.SettleKind.Ack);
        }
        else
        {
            var read = _reader.ReadNack(envelope.PayloadUtf8, envelope.PayloadMembers);
            if (read.Value is not { } nack)
            {
                return read.Reject(envelope.MessageType, envelope.RunId);
            }

            (subscriptionId, delivery, kind) = (nack.Subscription, nack.Delivery, BrokerProtocol.SettleKind.Nack);
        }

        if (Find(replyTo, subscriptionId) is not { } subscription)
        {
            return IpcErrors.UnknownSubscription(subscriptionId, envelope.RunId);
        }

        if (subscription.Queue is not { } queue)
        {
            // At most once: a delivery is settled when written, so none is ever waiting for an ack.
            return IpcErrors.UnknownDelivery(delivery, subscriptionId, envelope.RunId);
        }

        queue.Tell(new BrokerProtocol.Settle(subscription.Id, request, subscriptionId, delivery, kind, replyTo));
        return null;
    }

    /// <summary>Set before the subscribe ack is sent, so a forward the client sends after seeing it comes here.</summary>
    private void UpdateForwardListeners()
    {
        _registry.Match(TopicSyntax.ForwardTopic, _match);
        _forwardListeners.Any = _match.Matched > 0
            || _streams.For(TopicSyntax.ForwardTopic) is not null
            || (_cluster?.Route.AnyRemote(TopicSyntax.ForwardTopic) ?? false);
    }

    private LiveSubscription? Find(IActorRef connection, string subscription) =>
        _connections.TryGetValue(connection, out var subscriptions) ? subscriptions.Find(subscription) : null;

    private void RemoveConnection(IActorRef connection, bool tellConnection)
    {
        if (!_connections.Remove(connection, out var subscriptions))
        {
            return;
        }

        foreach (var subscription in subscriptions.All)
        {
            Remove(subscription, tellConnection);
        }
    }

    private void Remove(LiveSubscription subscription, bool tellConnection)
    {
        _registry.Remove(subscription.Id);
        _cluster?.InterestChanged();
        _subscriptions.Remove(subscription.Id);
        _stats?.Remove(subscription.Id);
        UpdateForwardListeners();
        _metrics.SubscriptionRemoved();
        if (tellConnection)
        {
            subscription.Connection.Tell(new BrokerProtocol.Unsubscribed(subscription.Id));
        }

        subscription.Queue?.Tell(new BrokerProtocol.Leave(subscription.Id));
        if (subscription.Group is { } name)
        {
            var key = (name, subscription.Pattern);
            var state = _groups[key];
            state.Members--;
            if (state.Members == 0 && state.Queue is null)
            {
                _groups.Remove(key);
            }
        }
    }

    /// <summary>A queue with no member holds nothing more: stop it, unless a new member of its group joined meanwhile.</summary>
    private void OnQueueIdle(IActorRef queue)
    {
        if (!_queues.TryGetValue(queue, out var group))
        {
            return;
        }

        if (group is { } key)
        {
            if (!_groups.TryGetValue(key, out var state) || state.Members > 0)
            {
                return;
            }

            _groups.Remove(key);
        }

        _queues.Remove(queue);
        Context.Stop(queue);
    }
}
