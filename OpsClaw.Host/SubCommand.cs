using System.CommandLine;
using System.Runtime.InteropServices;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Client;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw sub &lt;pattern&gt; [--group] [--ack none|explicit] [--max-pending] [--count]</c>, or
/// <c>opsclaw sub [pattern] --stream --durable [--start]</c> for a durable consumer: subscribes on the
/// runtime socket and prints each delivery's payload as one line of JSON until Ctrl-C, SIGTERM,
/// <c>--count</c> deliveries or the end of its stdout's reader, as <c>nats sub</c> does; then it unsubscribes.
/// </summary>
internal static class SubCommand
{
    public static Command Create()
    {
        var pattern = new Argument<string?>("pattern")
        {
            Description = "The topic pattern: '*' stands for one token, a last '>' for one or more (runs.*, runs.>). With --stream it filters the stream's messages, and may be left out (>).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var group = new Option<string?>("--group") { Description = "Join this queue group: each message goes to one of its members." };
        var ack = new Option<string>("--ack")
        {
            Description = "none: at most once; explicit: each delivery is acked once printed, so one never printed is delivered again. --durable is always explicit.",
            DefaultValueFactory = _ => "none",
        };
        ack.AcceptOnlyFromAmong("none", "explicit");
        var maxPending = WholeNumber.Option(
            "--max-pending",
            $"Deliveries held for this subscriber at once, 1 to {SubscribeOptions.MaxPendingLimit} [default: {SubscribeOptions.DefaultMaxPending}].",
            "n",
            SubscribeOptions.MaxPendingLimit);
        var count = WholeNumber.Option("--count", "Exit after printing this many deliveries [default: until Ctrl-C].", "n", int.MaxValue);
        var location = new HostLocation(RuntimeChannelActor.Name);
        var timeout = ShortcutCommand.TimeoutOption(description: "How long to wait for each reply of the host (the subscribe, each ack, the unsubscribe).");
        var command = new Command("sub", "Subscribe to a topic pattern, or read a stream as a durable consumer, and print each delivery as one line of JSON until Ctrl-C or --count deliveries.")
        {
            pattern, group, ack, maxPending, count, timeout,
        };
        var streams = new SubStreamOptions();
        streams.AddTo(command, pattern, group, ack);
        location.AddTo(command);
        command.SetAction((parse, _) =>
        {
            var options = streams.Apply(parse, new SubscribeOptions
            {
                Group = parse.GetValue(group),
                Ack = parse.GetValue(ack) == "explicit" ? AckMode.Explicit : AckMode.None,
                MaxPending = parse.GetValue(maxPending),
            });
            return RunAsync(location.Resolve(parse), SubStreamOptions.PatternOf(parse, pattern), options, parse.GetValue(count), Milliseconds.Of(parse, timeout));
        });
        return command;
    }

    private static async Task<int> RunAsync(SocketTarget target, string pattern, SubscribeOptions options, int? count, TimeSpan timeout)
    {
        // The first Ctrl-C (or SIGTERM) ends the subscription in order and exits 0; a second one, while
        // the host is slow to confirm, is not held back.
        using var stop = new CancellationTokenSource();
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => StopOnce(signal, stop));
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => StopOnce(signal, stop));
        var cancel = stop.Token;

        if (await HostConnection.ConnectAsync(target, cancel).ConfigureAwait(false) is not { } client)
        {
            return ExitCodes.Usage;
        }

        await using (client.ConfigureAwait(false))
        {
            IpcSubscription subscription;
            try
            {
                subscription = await client.SubscribeAsync(pattern, options, timeout, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
            catch (IpcRequestException ex)
            {
                return ExitCodes.Fail(ExitCodes.Failure, ex.Message);
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                return ExitCodes.Fail(ExitCodes.Usage, ex.Message);
            }

            await using (subscription.ConfigureAwait(false))
            {
                return await PrintAsync(subscription, new StdoutLines(), count, target, cancel).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Prints (and with explicit acks, acks) deliveries until the count, a signal, the end of the reader, or the host's end.</summary>
    private static async Task<int> PrintAsync(IpcSubscription subscription, StdoutLines stdout, int? count, SocketTarget target, CancellationToken cancel)
    {
        var printed = 0;
        try
        {
            await foreach (var delivery in subscription.Deliveries.WithCancellation(cancel).ConfigureAwait(false))
            {
                if (Write(stdout, delivery) is { } exitCode)
                {
                    return exitCode;
                }

                if (subscription.Ack == AckMode.Explicit)
                {
                    await AckAsync(delivery).ConfigureAwait(false);
                }

                if (++printed == count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            return ExitCodes.Fail(ExitCodes.Usage, $"the host serving {target.Directory} is stopping or has stopped: {ex.Message}");
        }
        catch (TimeoutException ex)
        {
            return ExitCodes.Fail(ExitCodes.Usage, ex.Message);
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Prints one delivery; null when it was written, else the exit status: 0 when the reader of stdout
    /// has gone (<c>| head -n 3</c>), an end as orderly as Ctrl-C, whose delivery stays unacknowledged.
    /// </summary>
    private static int? Write(StdoutLines stdout, Delivery delivery)
    {
        try
        {
            stdout.WriteLine(delivery.PayloadJson);
            return null;
        }
        catch (ReaderGoneException)
        {
            return ExitCodes.Ok;
        }
        catch (IOException ex)
        {
            return ExitCodes.Fail(ExitCodes.Failure, ex.Message);
        }
    }

    /// <summary>
    /// Acks a printed delivery, even when Ctrl-C comes meanwhile (the wait is bounded by --timeout-ms):
    /// it was printed. A refused ack (the host handed the delivery on after ack-wait) means it may be
    /// printed again elsewhere, as at-least-once allows: said on stderr, and the stream goes on.
    /// </summary>
    private static async Task AckAsync(Delivery delivery)
    {
        try
        {
            await delivery.AckAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IpcRequestException ex)
        {
            await Console.Error.WriteLineAsync($"opsclaw: {ex.Message}").ConfigureAwait(false);
        }
    }

    private static void StopOnce(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = !stop.IsCancellationRequested;
        stop.Cancel();
    }
}
