using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Streams;

namespace OpsClaw.Actors.Channels;

/// <summary>
/// The broker's streams (docs/broker.md, "Streams"): one <see cref="StreamActor"/> per declared
/// stream and one <see cref="StreamConsumerActor"/> per durable consumer, all children of the broker,
/// which this class creates, restarts and asks for their figures. A stream whose storage failed is
/// unavailable (its publishes are refused at once) until it is restarted, with a growing pause.
/// Its consumers stop with it, ending their subscriptions; they come back on the next subscribe.
/// In a cluster the streams and consumers are sharded entities (<see cref="StreamSharding"/>) and
/// the broker holds a <see cref="StreamEntityHandle"/> for each instead.
/// </summary>
internal sealed class BrokerStreams
{
    /// <summary>How long a stream or consumer has to give its figures: under control.streams' own 5 s bound, so a slow one shows as recovering rather than failing the report.</summary>
    private static readonly TimeSpan InfoTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long the shard regions have to say which node hosts which stream.</summary>
    private static readonly TimeSpan HostsTimeout = TimeSpan.FromSeconds(1);

    private readonly IActorContext _context;
    private readonly TimeSpan _ackWait;
    private readonly int _maxQueued;
    private readonly StreamCatalog _catalog;
    private readonly string _storage;
    private readonly Dictionary<string, Stream> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, Stream> _byActor = [];
    private readonly Dictionary<IActorRef, (Stream Stream, string Durable)> _consumers = [];
    private readonly Dictionary<Stream, List<StreamProtocol.Appending>> _appends = [];
    private int _findFailures;
    private IMaterializer? _materializer;

    /// <summary>The shard region of the cluster's streams; null on a host that is not in a cluster.</summary>
    private readonly IActorRef? _region;

    public BrokerStreams(BrokerSettings settings, IActorContext context, bool clustered = false)
    {
        _context = context;
        _ackWait = settings.AckWait;
        _maxQueued = settings.MaxQueued;
        _catalog = new StreamCatalog(settings.Streams);
        _storage = StreamStorage.ProviderName(settings.Storage.Provider);
        if (_catalog.IsEmpty)
        {
            return;
        }

        // Opened by OpsClawIpc.Start already when the host starts; a broker made on its own (a spec) opens it here.
        StreamStorage.Get(context.System).Open(settings.Storage);
        if (clustered)
        {
            _region = StreamSharding.Start(context.System, settings.Streams, _ackWait);
        }

        foreach (var stream in settings.Streams)
        {
            _byName.Add(stream.Name, new Stream(stream));
            Start(stream.Name);
        }

        FindDurableConsumers();
    }

    /// <summary>Whether the streams are sharded entities of a cluster.</summary>
    public bool Sharded => _region is not null;

    /// <summary>
    /// The cluster report with the streams each node hosts, as the shard regions say; without them when
    /// the regions do not answer in time (a cluster still forming), well within control.cluster's own bound.
    /// </summary>
    public async Task<ClusterReport> WithHosts(ClusterReport report)
    {
        try
        {
            var stats = await _region!.Ask<ClusterShardingStats>(new GetClusterShardingStats(HostsTimeout), HostsTimeout + HostsTimeout);
            var hosts = stats.Regions.ToDictionary(
                pair => pair.Key.ToString(),
                pair => (IReadOnlyList<string>)[.. pair.Value.Stats.Keys.Order(StringComparer.Ordinal)],
                StringComparer.Ordinal);
            return report with { Members = [.. report.Members.Select(member => member with { Streams = hosts.GetValueOrDefault(member.Address) ?? [] })] };
        }
        catch (AskTimeoutException)
        {
            return report;
        }
    }

    /// <summary>The stream a topic is stored in, or null.</summary>
    public Stream? For(string topic) => _catalog.For(topic) is { } settings ? _byName[settings.Name] : null;

    public Stream? Named(string name) => _byName.GetValueOrDefault(name);

    public string NoSuchStream(string name) => _byName.Count == 0
        ? $"no stream named '{name}': none is declared (opsclaw.broker.streams)"
        : $"no stream named '{name}' (declared: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))})";

    /// <summary>The refusal of a request for a stream whose storage is failing; the host's log says why.</summary>
    public IpcResponse Unavailable(Stream stream, IpcRequest envelope) => IpcErrors.HandlerFailed(envelope.MessageType, envelope.RunId);

    /// <summary>
    /// Why a publish to the stream is refused now, or null. A stream still reading its storage (the
    /// database slow or down at start) holds what it is sent until it has; at most max-queued
    /// publishes wait so, that an outage cannot fill the host's memory.
    /// </summary>
    public IpcResponse? Refusal(Stream stream, IpcRequest envelope)
    {
        if (!stream.Available)
        {
            return Unavailable(stream, envelope);
        }

        return !stream.Ready && stream.Waiting >= _maxQueued
            ? IpcErrors.QueueFull($"stream '{stream.Settings.Name}' (still reading its storage)", _maxQueued, envelope.RunId)
            : null;
    }

    /// <summary>The stream has read its storage: nothing waits for it any more.</summary>
    public void Recovered(StreamProtocol.Recovered recovered)
    {
        if (_byName.TryGetValue(recovered.Stream, out var stream))
        {
            (stream.Ready, stream.Waiting, stream.Failures) = (true, 0, 0);
        }
    }

    public void Append(Stream stream, StreamProtocol.Appending appending)
    {
        if (!stream.Ready)
        {
            stream.Waiting++;
        }

        if (!_appends.TryGetValue(stream, out var entries))
        {
            entries = [];
            _appends.Add(stream, entries);
        }

        entries.Add(appending);
    }

    /// <summary>One <see cref="StreamProtocol.Append"/> per stream for what one batch of requests published.</summary>
    public void SendAppends()
    {
        if (_appends.Count == 0)
        {
            return;
        }

        foreach (var (stream, entries) in _appends)
        {
            stream.Actor!.Tell(new StreamProtocol.Append([.. entries]));
        }

        _appends.Clear();
    }

    /// <summary>(Re)starts a stream's actor; it recovers from storage before it answers anything.</summary>
    public void Start(string name)
    {
        var stream = _byName[name];
        if (stream.Actor is not null)
        {
            return;
        }

        // A sharded stream is always ready here: its region holds what it is sent until the entity has recovered.
        var actor = _region is { } region
            ? _context.ActorOf(StreamEntityHandle.Props(region, name, null), "stream-" + name)
            : _context.ActorOf(StreamActor.Props(stream.Settings), "stream-" + name);
        _context.Watch(actor);
        stream.Actor = actor;
        stream.Ready = _region is not null;
        _byActor.Add(actor, stream);
    }

    /// <summary>The durable consumer's actor, made if it is not running.</summary>
    public IActorRef ConsumerOf(Stream stream, string durable)
    {
        foreach (var (actor, known) in _consumers)
        {
            if (known.Stream == stream && string.Equals(known.Durable, durable, StringComparison.Ordinal))
            {
                return actor;
            }
        }

        // Names hold no '.', so "stream.durable" names one consumer only.
        var name = stream.Settings.Name;
        var consumer = _region is { } region
            ? _context.ActorOf(StreamEntityHandle.Props(region, name, durable), $"consumer-{name}.{durable}")
            : _context.ActorOf(StreamConsumerActor.Props(name, durable, new StreamAddress(stream.Actor!, name, Sharded: false), _ackWait), $"consumer-{name}.{durable}");
        _context.Watch(consumer);
        _consumers.Add(consumer, (stream, durable));
        return consumer;
    }

    /// <summary>An actor the broker watches stopped: which of the streams' it was, if any.</summary>
    public StoppedKind Stopped(IActorRef actor)
    {
        if (_consumers.Remove(actor))
        {
            return StoppedKind.Consumer;
        }

        if (!_byActor.Remove(actor, out var stream))
        {
            return StoppedKind.NotOurs;
        }

        (stream.Actor, stream.Ready, stream.Waiting) = (null, false, 0);
        foreach (var (consumer, known) in _consumers)
        {
            if (known.Stream == stream)
            {
                _context.Stop(consumer);
            }
        }

        // 1 s, 2 s, 4 s … up to a minute: a database that is down is not hammered.
        var pause = GrowingPause(stream.Failures++);
        _context.System.Scheduler.ScheduleTellOnce(pause, _context.Self, new Restart(stream.Settings.Name), _context.Self);
        return StoppedKind.Stream;
    }

    /// <summary>The consumers stored for each stream, found once at start so that control.streams lists them before anyone subscribes.</summary>
    public void Adopt(KnownConsumers known)
    {
        foreach (var id in known.PersistenceIds)
        {
            foreach (var stream in _byName.Values)
            {
                if (StreamConsumerActor.DurableOf(id, stream.Settings.Name) is { } durable
                    && IpcSettingsReader.IsPlainName(durable, Broker.BrokerPayloadReader.MaxDurableLength)
                    && stream.Actor is not null)
                {
                    ConsumerOf(stream, durable);
                }
            }
        }
    }

    /// <summary>Every stream's figures and its consumers', asked of their actors.</summary>
    public Task<StreamsReport> Report()
    {
        // Taken on the broker's thread: the questions below are answered on others, while the broker goes on changing these.
        var streams = _byName.Values
            .OrderBy(stream => stream.Settings.Name, StringComparer.Ordinal)
            .Select(stream => (stream.Settings, stream.Actor, stream.Ready, Consumers: _consumers.Where(pair => pair.Value.Stream == stream).Select(pair => pair.Key).ToList()))
            .ToList();
        return Ask(streams);

        // All asked at once, so one stream still recovering (or, in a cluster, moving) costs the report one InfoTimeout, not one each.
        async Task<StreamsReport> Ask(List<(StreamSettings Settings, IActorRef? Actor, bool Ready, List<IActorRef> Consumers)> taken) =>
            new(_storage, await Task.WhenAll(taken.Select(stream => InfoOf(stream.Settings, stream.Actor, stream.Ready, stream.Consumers))));
    }

    private static async Task<StreamInfo> InfoOf(StreamSettings settings, IActorRef? actor, bool ready, List<IActorRef> consumers)
    {
        if (actor is null)
        {
            return new StreamInfo(settings.Name, settings.Subjects, "unavailable", 0, 0, 0, 0, []);
        }

        if (!ready)
        {
            return new StreamInfo(settings.Name, settings.Subjects, "recovering", 0, 0, 0, 0, []);
        }

        try
        {
            var info = actor.Ask<StreamInfo>(StreamProtocol.GetInfo.Instance, InfoTimeout);
            var consumerInfos = Task.WhenAll(consumers.Select(consumer => consumer.Ask<StreamConsumerInfo>(StreamProtocol.GetInfo.Instance, InfoTimeout)));

            // Both awaited together, so neither is left unobserved when the other times out.
            await Task.WhenAll(info, consumerInfos);
            return (await info) with { Consumers = [.. (await consumerInfos).OrderBy(consumer => consumer.Name, StringComparer.Ordinal)] };
        }
        catch (AskTimeoutException)
        {
            // A stream or consumer busy reading its storage answers when it has.
            return new StreamInfo(settings.Name, settings.Subjects, "recovering", 0, 0, 0, 0, []);
        }
    }

    /// <summary>
    /// Lists the stored consumers off the broker's thread; the answer is <see cref="KnownConsumers"/>,
    /// or <see cref="ConsumersUnknown"/> when the storage could not be read (asked again later).
    /// </summary>
    public void FindDurableConsumers()
    {
        var materializer = _materializer ??= _context.Materializer();
        StreamStorage.Get(_context.System)
            .ReadAsync(journal => journal.CurrentPersistenceIds().Where(id => id.StartsWith("consumer/", StringComparison.Ordinal)), materializer)
            .PipeTo(_context.Self, success: ids => new KnownConsumers(ids), failure: cause => new ConsumersUnknown(cause));
    }

    /// <summary>The stored consumers could not be listed: logs why and asks again after a growing pause.</summary>
    public void Retry(ConsumersUnknown unknown, ILoggingAdapter log)
    {
        var pause = GrowingPause(_findFailures++);
        log.Warning("streams: the stored durable consumers could not be listed ({0}); trying again in {1} s", unknown.Cause.GetBaseException().Message, pause.TotalSeconds);
        _context.System.Scheduler.ScheduleTellOnce(pause, _context.Self, FindConsumers.Instance, _context.Self);
    }

    /// <summary>1 s, 2 s, 4 s … up to a minute after so many failures: a database that is down is not hammered.</summary>
    private static TimeSpan GrowingPause(int failures) => TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(failures, 6)));

    /// <summary>One declared stream and its actor, null while it is down.</summary>
    internal sealed class Stream(StreamSettings settings)
    {
        public StreamSettings Settings { get; } = settings;

        public IActorRef? Actor { get; set; }

        public int Failures { get; set; }

        public bool Available => Actor is not null;

        /// <summary>Its actor has read its storage (publishes are stored as they come).</summary>
        public bool Ready { get; set; }

        /// <summary>Publishes sent to its actor while it was not <see cref="Ready"/>.</summary>
        public int Waiting { get; set; }
    }

    /// <summary>What a stopped actor was to the streams.</summary>
    internal enum StoppedKind
    {
        NotOurs,
        Stream,
        Consumer,
    }

    /// <summary>Time to start a stream again after its storage failed.</summary>
    internal sealed record Restart(string Stream);

    /// <summary>The stored persistence ids of durable consumers.</summary>
    internal sealed record KnownConsumers(IReadOnlyList<string> PersistenceIds);

    /// <summary>Listing the stored consumers failed.</summary>
    internal sealed record ConsumersUnknown(Exception Cause);

    /// <summary>Time to list the stored consumers again.</summary>
    internal sealed class FindConsumers
    {
        public static readonly FindConsumers Instance = new();

        private FindConsumers()
        {
        }
    }
}
