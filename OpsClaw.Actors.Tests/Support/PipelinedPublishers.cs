using OpsClaw.Actors.Client;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Publishers that keep a fixed number of publishes in flight on each of their connections, each
/// awaiting its ack, until the host goes away (or each has sent its bound). Every publish is recorded
/// in the ledger before it is written and again when its ack comes.
/// </summary>
public static class PipelinedPublishers
{
    /// <summary>How long one publish may wait for its ack: far longer than a stored write takes, shorter than the spec's bound.</summary>
    private static readonly TimeSpan AckWait = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="connections"/> publishers of round <paramref name="round"/>; completes when every one has stopped.</summary>
    public static Task RunAsync(
        string runtimeSocket, int round, int connections, int depth, int perPublisher, StreamPublishLedger ledger, ViolationLog violations) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(publisher =>
            PublishAsync(runtimeSocket, round, publisher, depth, perPublisher, ledger, violations)));

    private static async Task PublishAsync(
        string runtimeSocket, int round, int publisher, int depth, int perPublisher, StreamPublishLedger ledger, ViolationLog violations)
    {
        IpcClient client;
        try
        {
            client = await IpcClient.ConnectAsync(runtimeSocket);
        }
        catch (IOException)
        {
            // The kill came before this publisher connected: it published nothing.
            return;
        }

        await using (client)
        {
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, depth).Select(_ => Task.Run(async () =>
            {
                // Each lane takes the next number and waits for its ack; the lanes together keep depth in flight.
                for (var number = Interlocked.Increment(ref next); number <= perPublisher; number = Interlocked.Increment(ref next))
                {
                    var id = new StreamPublishId(round, publisher, number);
                    ledger.Sending(id);
                    try
                    {
                        var ack = await client.PublishWithAckAsync(id.Topic, id.Body, timeout: AckWait);
                        if (ack.Stream != "orders" || ack.Seq is not { } seq)
                        {
                            violations.Add($"{id} was answered without the stream's seq: stream {ack.Stream}, seq {ack.Seq}");
                            return;
                        }

                        ledger.AckedAt(id, seq);
                    }
                    catch (IOException)
                    {
                        // The host died: this publish and the lane's later ones get no ack.
                        return;
                    }
                    catch (IpcRequestException refused)
                    {
                        ledger.Refused(id, refused.ErrorCode);
                        return;
                    }
                    catch (TimeoutException)
                    {
                        violations.Add($"{id} got no answer within {AckWait.TotalSeconds} s while the host was up (a hang)");
                        return;
                    }
                }
            })));
        }
    }
}
