using System.Diagnostics;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// The crash rounds of issue #14 on the real executable. Each round: publishers pipeline publishes to
/// the stream while the durable <see cref="AckingDurable.Name"/> reads and acks; after a random delay
/// the host gets SIGKILL; it is started again on the same storage; a new durable reads the whole
/// stream back and <see cref="StreamContentCheck"/> compares it with what was published and
/// acknowledged; then <see cref="AckingDurable.Name"/> rejoins and must get every seq it never acked,
/// and none at or below its acknowledged position. The storage carries over from round to round, so
/// later rounds recover from a database that has already been crashed into.
/// </summary>
public static class StreamCrashRounds
{
    /// <summary>Set to a failure's seed to replay its kill moments.</summary>
    public const string SeedVariable = "OPSCLAW_CRASH_SEED";

    /// <summary>The bound on each phase of a round (publishing until the kill, reading back, catching up).</summary>
    private static readonly TimeSpan PhaseBound = TimeSpan.FromSeconds(60);

    /// <summary>SQLite storage: a file in the host's directory, kept across the restarts.</summary>
    public static string SqliteStorage(TempSocketDir dir) => $"opsclaw.broker.storage.sqlite-file = \"{Path.Combine(dir.Path, "broker.db")}\"";

    /// <param name="storageHocon">The <c>opsclaw.broker.storage</c> settings for the host running in the given directory.</param>
    /// <param name="plan">Rounds, publishers and the kill window.</param>
    /// <param name="output">Where each round's figures go.</param>
    public static async Task RunAsync(Func<TempSocketDir, string> storageHocon, StreamCrashPlan plan, ITestOutputHelper output)
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } given
            ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with {SeedVariable}={seed}); {plan}");
        var random = new Random(seed);
        var where = "starting the host";

        using var dir = new TempSocketDir();
        Directory.CreateDirectory(dir.Path);
        using var host = new CrashableStreamHost(dir, storageHocon(dir));
        var ledger = new StreamPublishLedger();
        var violations = new ViolationLog();
        var acks = new DurableAckRecord();
        var contents = new StreamContentCheck();
        AckingDurable? acker = null;
        try
        {
            await host.StartAsync();
            acker = await AckingDurable.OpenAsync(host.RuntimeSocket, acks, violations);
            for (var round = 1; round <= plan.Rounds; round++)
            {
                var killAfter = random.Next(plan.KillAfterMinMs, plan.KillAfterMaxMs + 1);
                where = $"round {round} of {plan.Rounds}, kill {killAfter} ms after the publishers started";
                var clock = Stopwatch.StartNew();
                var sentBefore = ledger.SentCount;
                var ackedBefore = ledger.Acked.Count;

                var acking = acker.ReadAndAckUntilClosedAsync(PhaseBound);
                var publishing = PipelinedPublishers.RunAsync(host.RuntimeSocket, round, plan.Publishers, plan.Depth, plan.PerPublisher, ledger, violations);
                await Task.Delay(killAfter);
                await host.KillAsync();
                await Task.WhenAll(publishing, acking).WaitAsync(PhaseBound);
                await acker.DisposeAsync();
                acker = null;
                var killedAt = clock.Elapsed;

                await host.StartAsync();
                var restartedAt = clock.Elapsed;
                var lastSeq = await PublishSentinelAsync(host.RuntimeSocket, round, ledger);
                var read = await StreamReadback.ReadAllAsync(host.RuntimeSocket, $"check-{round}", lastSeq, PhaseBound);
                contents.Check(read, lastSeq, await host.StreamAsync(), ledger, violations);

                // The acker rejoins: whatever it never sent an ack for must come again; what was acknowledged must not.
                var positionBefore = acks.Acknowledged;
                var neverAcked = read.Select(message => message.Seq).Where(seq => seq > acks.HighestSent).ToHashSet();
                acker = await AckingDurable.OpenAsync(host.RuntimeSocket, acks, violations);
                var redelivered = await acker.ReadAndAckThroughAsync(lastSeq, PhaseBound);
                neverAcked.ExceptWith(redelivered);
                foreach (var seq in neverAcked.Order().Take(10))
                {
                    violations.Add($"seq {seq} was never acked by durable {AckingDurable.Name}, yet not delivered to it again after the restart");
                }

                output.WriteLine(
                    $"round {round}: kill after {killAfter} ms; {ledger.SentCount - sentBefore} sent, {ledger.Acked.Count - ackedBefore} acked; " +
                    $"stream {contents.Stored} messages (last seq {lastSeq}); {AckingDurable.Name} at position {positionBefore} when killed, got {redelivered.Count} after; " +
                    $"killed at {killedAt.TotalMilliseconds:F0} ms, ready again at {restartedAt.TotalMilliseconds:F0} ms, checked at {clock.Elapsed.TotalMilliseconds:F0} ms");
                if (violations.Any)
                {
                    throw new XunitException($"seed {seed} ({SeedVariable}={seed}), {where}: the host broke its promises:\n{violations.Describe()}\nhost stderr (after the restart):\n{Tail(host.Stderr)}");
                }
            }

            if (ledger.Refusals.Count > 0)
            {
                output.WriteLine($"publishes refused with an error reply (not counted as acked): {string.Join("; ", ledger.Refusals.Take(10))}");
            }
        }
        catch (Exception problem) when (problem is not XunitException)
        {
            throw new XunitException($"seed {seed} ({SeedVariable}={seed}), {where}: {problem}\nviolations so far:\n{violations.Describe()}\nhost stderr:\n{Tail(host.Stderr)}", problem);
        }
        finally
        {
            if (acker is not null)
            {
                await acker.DisposeAsync();
            }
        }
    }

    /// <summary>Publishes one message after the restart: nothing else publishes then, so its seq is where the stream ends.</summary>
    private static async Task<long> PublishSentinelAsync(string runtimeSocket, int round, StreamPublishLedger ledger)
    {
        var sentinel = new StreamPublishId(round, StreamPublishId.SentinelPublisher, 0);
        await using var client = await IpcClient.ConnectAsync(runtimeSocket);
        ledger.Sending(sentinel);
        var ack = await client.PublishWithAckAsync(sentinel.Topic, sentinel.Body);
        var seq = ack.Seq ?? throw new InvalidOperationException($"the sentinel's ack has no seq: {ack}");
        ledger.AckedAt(sentinel, seq);
        return seq;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}
