using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Bench;

/// <summary>
/// <c>decode</c>: the host's request decoder on the lines the benches send, its plain path (as the host
/// runs it) against its full path (the envelope through <c>Utf8JsonReader</c>), in one process, alternating rounds,
/// so the ratio holds on a shared machine whose absolute speed wanders.
/// </summary>
internal static class DecodeCommand
{
    private const int MaxDepth = 64;

    public static Command Create()
    {
        var lines = new Option<int>("--lines") { Description = "Lines decoded per round and path.", DefaultValueFactory = _ => 200_000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds per path; the median is reported.", DefaultValueFactory = _ => 7 };
        var command = new Command("decode", "Time the request decoder's plain path against its full path, one process.") { lines, rounds };
        command.SetAction(parse =>
        {
            Run(Math.Clamp(parse.GetValue(lines), 1_000, 5_000_000), Math.Clamp(parse.GetValue(rounds), 1, 51));
            return 0;
        });
        return command;
    }

    private static void Run(int lines, int rounds)
    {
        var plain = new RequestDecoder(MaxDepth);
        var full = new RequestDecoder(MaxDepth, plainFirst: false);
        Console.Out.WriteLine("| line | bytes | full path ns/line | plain path ns/line | plain / full |");
        Console.Out.WriteLine("|---|--:|--:|--:|--:|");
        foreach (var (name, line) in Lines())
        {
            var fullNs = new List<double>();
            var plainNs = new List<double>();
            var deadline = Stopwatch.StartNew();
            for (var round = 0; round < rounds && deadline.Elapsed < TimeSpan.FromSeconds(60); round++)
            {
                fullNs.Add(Time(full, line, lines));
                plainNs.Add(Time(plain, line, lines));
            }

            var (f, p) = (Median(fullNs), Median(plainNs));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {line.Length} | {f:N0} | {p:N0} | {p / f:0.00}× |"));
        }
    }

    /// <summary>A publish as the broker bench sends it, a ping as the request/reply bench does, and a line the plain path declines.</summary>
    private static IEnumerable<(string Name, byte[] Line)> Lines()
    {
        var body = Encoding.ASCII.GetString(BenchBody.Template());
        yield return ("runtime.publish, 128-byte body", Line("runtime.publish", "{\"topic\":\"orders.bench\",\"body\":" + body + "}"));
        yield return ("runtime.ping, payload {}", Line("runtime.ping", "{}"));
        yield return ("declined: an unknown field", Encoding.UTF8.GetBytes(
            "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"runtime.ping\",\"run_id\":\"bench\",\"payload_json\":\"{}\",\"trace\":1}"));
    }

    private static byte[] Line(string type, string payload)
    {
        var line = OpsClawDialect.Envelope(type, payload);
        return line[..^1];
    }

    private static double Time(RequestDecoder decoder, byte[] line, int count)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (decoder.Decode(line).Request is null)
            {
                throw new InvalidOperationException("the bench's line did not decode");
            }
        }

        return watch.Elapsed.TotalNanoseconds / count;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
