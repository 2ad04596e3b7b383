using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;
using OpsClaw.Samples;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// 100,000 seeded hostile lines over real sockets, each followed by a marker request: every
/// non-blank line must get exactly one well-formed reply before its marker's, the reply it must get
/// (<see cref="ReplyOracle"/>), and the host must keep serving. Set OPSCLAW_FUZZ_SEED to replay or explore other seeds.
/// </summary>
public sealed class HostileInputSpecs(ITestOutputHelper output) : SocketSpecBase
{
    private const int Connections = 4;
    private const int LinesPerConnection = 25_000;

    [Fact]
    public async Task Every_hostile_line_should_get_exactly_one_well_formed_reply_in_order_and_the_host_should_keep_serving()
    {
        var baseSeed = int.TryParse(Environment.GetEnvironmentVariable("OPSCLAW_FUZZ_SEED"), out var chosen) ? chosen : 20261124;
        output.WriteLine($"fuzz base seed {baseSeed} (OPSCLAW_FUZZ_SEED={baseSeed} replays it)");
        var binding = await StartAsync(
            "opsclaw.ipc.request-timeout = 5s",
            [ChannelDefinition.Runtime(), ChannelDefinition.Control(), new ChannelDefinition("echo", Props.Create<EchoChannel>(), typeof(EchoChannel))]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var runs = Enumerable.Range(0, Connections).Select(i => i % 2 == 0
            ? FuzzAsync(binding.PathOf("runtime"), ReplyOracle.Runtime, baseSeed + i, "runtime.ping", "{}", "runtime.pong", deadline.Token)
            : FuzzAsync(binding.PathOf("echo"), ReplyOracle.Echo, baseSeed + i, "echo.say", "{\"Text\":\"m\"}", "echo.say.ok", deadline.Token));
        var answered = (await Task.WhenAll(runs)).Sum();

        output.WriteLine($"{Connections * LinesPerConnection} hostile lines sent, {answered} answered (the rest blank), 0 lost");
        var ping = await RequestAsync(binding.PathOf("runtime"), "runtime.ping");
        Assert.Equal("runtime.pong", (string?)ping["message_type"]);
    }

    private static async Task<int> FuzzAsync(
        string socketPath, ReplyOracle oracle, int seed, string markerType, string markerPayload, string markerReply, CancellationToken cancel)
    {
        var lines = new HostileLines(seed, ["runtime.ping", "runtime.forward", "echo.say", "echo.tally", "echo.crash", "nope.nope", "", "control.stop"]);
        var sent = new List<byte[]>(LinesPerConnection);
        for (var i = 0; i < LinesPerConnection; i++)
        {
            // A few lines far past max-line-bytes (1 MiB) and one just under it.
            sent.Add(i % 6_000 == 17 ? lines.Huge(1_100_000) : i == 4_242 ? lines.Huge(1_000_000) : lines.Next());
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
        var writing = WriteAllAsync(socket, sent, markerType, markerPayload, cancel);

        var reader = new ByteLineReader(socket);
        var answered = 0;
        for (var i = 0; i < sent.Count; i++)
        {
            if (HostileLines.ExpectsReply(sent[i]))
            {
                var reply = await NextReplyAsync(reader, seed, i, sent[i], cancel);
                Assert.True(reply.MessageType != markerReply || reply.RunId != Marker(i), Failure(seed, i, sent[i], "its reply is missing: the marker came first"));

                // Meaning, not only shape: the error the codec gives that line, or its channel's answer with its run_id.
                if (oracle.Check(sent[i], reply) is { } wrong)
                {
                    Assert.Fail(Failure(seed, i, sent[i], wrong));
                }

                answered++;
            }

            var marker = await NextReplyAsync(reader, seed, i, sent[i], cancel);
            Assert.True(
                marker.MessageType == markerReply && marker.RunId == Marker(i),
                Failure(seed, i, sent[i], $"expected marker {Marker(i)}, got {marker.MessageType} {marker.RunId} {marker.Error}"));
        }

        await writing;
        return answered;
    }

    private static async Task WriteAllAsync(Socket socket, List<byte[]> lines, string markerType, string markerPayload, CancellationToken cancel)
    {
        var batch = new MemoryStream();
        for (var i = 0; i < lines.Count; i++)
        {
            batch.Write(lines[i]);
            batch.WriteByte((byte)'\n');
            batch.Write(Encoding.UTF8.GetBytes(RawConnection.Request(markerType, Marker(i), markerPayload)));
            if (batch.Length > 64 * 1024 || i == lines.Count - 1)
            {
                await socket.SendAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), SocketFlags.None, cancel);
                batch.SetLength(0);
            }
        }
    }

    private static async Task<IpcResponse> NextReplyAsync(ByteLineReader reader, int seed, int index, byte[] line, CancellationToken cancel)
    {
        var (reply, partial) = await reader.ReadLineAsync(cancel);
        Assert.True(reply is not null && !partial, Failure(seed, index, line, partial ? "the connection ended mid-line" : "the connection closed"));

        // Well-formed: a strict decode and re-encode gives back the very same bytes (seven fields, in order, compact).
        IpcResponse response;
        try
        {
            response = IpcCodec.DecodeResponse(reply);
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException(Failure(seed, index, line, $"reply is not a well-formed envelope ({ex.Message}): {Encoding.UTF8.GetString(reply)}"));
        }

        Assert.True(
            IpcCodec.EncodeResponse(response).AsSpan(..^1).SequenceEqual(reply),
            Failure(seed, index, line, "reply is not in canonical form: " + Encoding.UTF8.GetString(reply)));
        return response;
    }

    private static string Marker(int index) => "marker-" + index;

    private static string Failure(int seed, int index, byte[] line, string what) =>
        $"seed {seed}, line {index}: {what}; line was {Convert.ToHexString(line.AsSpan(0, Math.Min(line.Length, 200)))}{(line.Length > 200 ? "…" : "")} ({line.Length} bytes)";
}
