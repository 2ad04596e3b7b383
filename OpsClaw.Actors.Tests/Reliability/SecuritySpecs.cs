using System.Text;
using Akka.Actor;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>What a hostile client can make the host do with its bytes: no type it chooses, no raw byte echoed.</summary>
public sealed class SecuritySpecs : SocketSpecBase
{
    [Fact]
    public async Task A_payload_naming_a_dotnet_type_should_never_become_that_type()
    {
        var binding = await StartAsync("", [new Ipc.ChannelDefinition("probe", Props.Create(() => new TypeProbeChannel()), typeof(TypeProbeChannel))]);
        const string payload = """
            {"$type":"System.IO.FileInfo, System.IO.FileSystem","Value":{"$type":"System.IO.DirectoryInfo, System.IO.FileSystem","originalPath":"/"},"fileName":"/etc/passwd"}
            """;

        var reply = PayloadOf(await RequestAsync(binding.PathOf("probe"), "probe.type", payload));

        Assert.Equal("Newtonsoft.Json.Linq.JObject", (string?)reply["ValueType"]);
        Assert.Equal("System.IO.DirectoryInfo, System.IO.FileSystem", (string?)reply["ValueTypeField"]);
    }

    [Theory]
    [InlineData("schema_version", "invalid_schema_version")]
    [InlineData("message_type", "unsupported_message_type")]
    public async Task Error_texts_should_carry_client_text_escaped_never_as_raw_bytes(string field, string code)
    {
        var binding = await StartAsync();
        const string hostile = "x\u0000\u001b[31m\u2028\r\u007f\u009b2J\u0085\"\\";
        var envelope = new JObject
        {
            ["schema_version"] = "opsclaw.ipc.v1alpha1",
            ["message_type"] = "runtime.ping",
            ["run_id"] = "r\u0001",
            ["payload_json"] = "{}",
        };
        envelope[field] = hostile;
        using var connection = await RawConnection.ConnectAsync(binding.PathOf("runtime"));
        await connection.WriteAsync(envelope.ToString(Newtonsoft.Json.Formatting.None) + "\n");

        var reader = new ByteLineReader(connection.Socket);
        var (line, _) = await reader.ReadLineAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Assert.NotNull(line);
        // No C0 control, no DEL, and no C1 control (UTF-8 C2 80 to C2 9F) as raw bytes: only as \u escapes.
        Assert.DoesNotContain(line, b => b < 0x20 || b == 0x7F);
        Assert.False(line.Zip(line.Skip(1)).Any(pair => pair.First == 0xC2 && pair.Second is >= 0x80 and <= 0x9F), Encoding.UTF8.GetString(line));
        var reply = JObject.Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(line));
        Assert.Equal(code, (string?)reply["error_code"]);
        Assert.Contains(hostile, (string?)reply["error"], StringComparison.Ordinal);
        Assert.Equal("r\u0001", (string?)reply["run_id"]);
    }

    public sealed record TypeProbe(object? Value);

    private sealed class TypeProbeChannel : ChannelActor
    {
        public TypeProbeChannel()
        {
            Handle<TypeProbe, JObject>("probe.type", "probe.type.ok", probe => new JObject
            {
                ["ValueType"] = probe.Value?.GetType().FullName,
                ["ValueTypeField"] = (probe.Value as JObject)?["$type"]?.ToString(),
            });
        }
    }
}
