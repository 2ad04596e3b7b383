using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Newtonsoft.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>
/// The decoder's plain path (<see cref="PlainRequestReader"/>, <see cref="JsonValueCheck"/>) against its full
/// path over <c>Utf8JsonReader</c>: what the plain path accepts must decode to the same request with the same
/// payload members, and it must accept the lines clients ordinarily send. Random and mutated text, from fixed seeds.
/// </summary>
public sealed class PlainRequestReaderSpecs
{
    private static readonly int[] Depths = [1, 2, 3, 64];

    private static readonly string[] Spaces = ["", "", "", " ", "\n", "\t", "\r\n", "  "];

    private static readonly string[] Numbers = ["0", "-0", "7", "12", "-3.25", "1e5", "2E-3", "0.5e+2", "123456789012345678901234567890", "-0.0"];

    private static readonly string[] StringPieces =
        ["a", "topic", "orders.bench", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\b", "\\u00e9", "\\uD800", "\u00e9", "\u2713", "\U0001F600", "\u007f", "}", "]", ",", ":", "{"];

    /// <summary>Bytes a mutation puts in: JSON's structure, the starts of tokens, an escape and a control character.</summary>
    private static readonly byte[] MutationBytes = "\"\\{}[],: 0-.eEt+u\n\u0001x"u8.ToArray();

    [Fact]
    public void The_value_check_should_accept_exactly_what_the_reader_accepts_and_note_the_same_members()
    {
        var random = new Random(1301);
        var (accepted, declined) = (0, 0);
        for (var i = 0; i < 3000; i++)
        {
            var text = Value(random, 0);
            foreach (var candidate in Mutations(random, text))
            {
                var depth = Depths[random.Next(Depths.Length)];
                var bytes = Encoding.UTF8.GetBytes(candidate);
                var readerAccepts = ReadWithReader(bytes, depth, out var readerMembers);
                var checkedOk = JsonValueCheck.TryCheck(bytes, depth, out var members);

                Assert.True(checkedOk == readerAccepts, $"depth {depth}: the check said {checkedOk}, the reader {readerAccepts}: {candidate}");
                if (checkedOk)
                {
                    Assert.Equal(Describe(readerMembers), Describe(members));
                    accepted++;
                }
                else
                {
                    declined++;
                }
            }
        }

        // Both outcomes must have been exercised in earnest, or the comparison proves little.
        Assert.InRange(accepted, 3000, int.MaxValue);
        Assert.InRange(declined, 3000, int.MaxValue);
    }

    [Fact]
    public void The_plain_reader_should_give_the_full_paths_request_or_decline()
    {
        var random = new Random(2207);
        var (plain, mutatedPlain) = (0, 0);
        for (var i = 0; i < 3000; i++)
        {
            var payload = Value(random, 0);
            var line = Envelope(random, payload);
            var depth = Depths[random.Next(Depths.Length)];
            var original = true;
            foreach (var candidate in Mutations(random, line))
            {
                var bytes = Encoding.UTF8.GetBytes(candidate);
                var reference = FullPath(depth).Decode(bytes).Request;
                var read = PlainRequestReader.TryRead(bytes, depth);
                if (read is not null)
                {
                    Assert.True(reference is not null, $"the plain path accepted what the full path rejects: {candidate}");
                    Assert.Equal(Describe(reference), Describe(read));
                    plain++;
                    mutatedPlain += original ? 0 : 1;
                }
                else if (original && reference is not null)
                {
                    Assert.Fail($"the plain path declined an ordinary line: {candidate}");
                }

                original = false;
            }
        }

        Assert.InRange(plain, 2000, int.MaxValue);
        Assert.InRange(mutatedPlain, 500, int.MaxValue);
    }

    [Theory]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.publish","run_id":"r1","payload_json":"{\"topic\":\"orders.bench\",\"body\":{\"id\":\"~1~2~\",\"pad\":\"xx\"}}"}""")]
    [InlineData(""" { "payload_json" : "[1, 2]" , "run_id" : null , "message_type" : "t" , "schema_version" : "opsclaw.ipc.v1alpha1" } """)]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"\"tab\\tquote\\\"slash\\/\""}""")]
    public void The_plain_reader_should_read_the_lines_clients_send(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);

        var read = PlainRequestReader.TryRead(bytes, 64);

        Assert.NotNull(read);
        Assert.Equal(Describe(FullPath(64).Decode(bytes).Request), Describe(read));
    }

    [Theory]
    [InlineData("runtime.publish", "r1", "{\"topic\":\"a.b\",\"body\":{\"text\":\"line\\nnext \\\"q\\\" caf\u00e9\"}}")]
    [InlineData("runtime.subscribe", null, "{\"topic\":\"a.>\",\"ack\":\"explicit\"}")]
    [InlineData("runtime.ping", null, "{}")]
    public void The_plain_reader_should_read_the_lines_the_dotnet_client_writes(string type, string? runId, string payload)
    {
        var line = IpcCodec.EncodeRequest(new IpcRequest(type, runId, payload)).AsSpan()[..^1];

        var read = PlainRequestReader.TryRead(line, 64);

        Assert.NotNull(read);
        Assert.Equal(Describe(FullPath(64).Decode(line).Request), Describe(read));
    }

    [Theory]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"{}","extra":1}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"\u0031"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_\u0074ype":"t","payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t\"","payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","message_type":"t","payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v0","message_type":"t","payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"{},"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"{}",}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"{}"} x""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","run_id":nullx,"payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","run_id":1,"payload_json":"{}"}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":{}}""")]
    [InlineData("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"[[1]]"}""")]
    public void The_plain_reader_should_leave_every_other_line_to_the_full_path(string line)
    {
        // The last line nests past the depth of 1 used here.
        Assert.Null(PlainRequestReader.TryRead(Encoding.UTF8.GetBytes(line), 1));
    }

    private static RequestDecoder FullPath(int depth) => new(depth, plainFirst: false);

    /// <summary>
    /// The reference the value check is held to: whether <c>Utf8JsonReader</c> reads <paramref name="json"/>
    /// as one value within <paramref name="depth"/>, and the top-level members a walk with it finds
    /// (null for a non-object, more than <see cref="PayloadMember.MaxMembers"/>, or an escaped name).
    /// </summary>
    private static bool ReadWithReader(byte[] json, int depth, out PayloadMember[]? members)
    {
        members = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = depth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var found = new List<PayloadMember>();
                var noted = true;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var nameStart = (int)reader.TokenStartIndex + 1;
                    var nameLength = reader.ValueSpan.Length;
                    noted &= !reader.ValueIsEscaped;
                    reader.Read();
                    var (token, valueStart) = (reader.TokenType, (int)reader.TokenStartIndex);
                    reader.Skip();
                    found.Add(new PayloadMember(nameStart, nameLength, valueStart, (int)reader.BytesConsumed, token));
                }

                members = noted && found.Count <= PayloadMember.MaxMembers ? [.. found] : null;
            }
            else
            {
                reader.Skip();
            }

            while (reader.Read())
            {
            }

            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            members = null;
            return false;
        }
    }

    /// <summary>A request line around <paramref name="payload"/>: its fields in a random order, spaced at random, run_id a string, null or left out.</summary>
    private static string Envelope(Random random, string payload)
    {
        var fields = new List<string>
        {
            "\"schema_version\"" + Space(random) + ":" + Space(random) + "\"opsclaw.ipc.v1alpha1\"",
            "\"message_type\"" + Space(random) + ":" + Space(random) + (random.Next(2) == 0 ? "\"runtime.publish\"" : "\"runtime.ping\""),
            "\"payload_json\"" + Space(random) + ":" + Space(random) + JsonConvert.ToString(payload),
        };
        switch (random.Next(3))
        {
            case 0:
                fields.Add("\"run_id\":" + Space(random) + "\"r" + random.Next(100) + "\u00e9\"");
                break;
            case 1:
                fields.Add("\"run_id\":null");
                break;
        }

        var shuffled = fields.OrderBy(_ => random.Next()).Select(field => Space(random) + field + Space(random));
        return Space(random) + "{" + string.Join(",", shuffled) + "}" + Space(random);
    }

    /// <summary>A JSON value, spaced at random; its strings carry every kind of escape and multi-byte characters.</summary>
    private static string Value(Random random, int depth)
    {
        var kind = random.Next(depth == 0 ? 4 : 7);
        switch (kind)
        {
            case 0 when depth < 6:
            case 1 when depth < 6:
                var isObject = kind == 0;
                var count = random.Next(20) == 0 ? PayloadMember.MaxMembers + random.Next(-1, 3) : random.Next(5);
                var items = Enumerable.Range(0, count).Select(_ =>
                    Space(random) + (isObject ? String(random) + Space(random) + ":" + Space(random) : "") + Value(random, depth + 1) + Space(random));
                return isObject ? "{" + string.Join(",", items) + "}" : "[" + string.Join(",", items) + "]";
            case 2:
            case 3:
                return String(random);
            case 4:
                return Numbers[random.Next(Numbers.Length)];
            default:
                return new[] { "true", "false", "null" }[random.Next(3)];
        }
    }

    private static string String(Random random) =>
        "\"" + string.Concat(Enumerable.Range(0, random.Next(6)).Select(_ => random.Next(3) == 0 ? StringPieces[random.Next(StringPieces.Length)] : "k")) + "\"";

    private static string Space(Random random) => Spaces[random.Next(Spaces.Length)];

    /// <summary>The text itself, then up to four copies each changed by one or two byte edits (those still valid UTF-8).</summary>
    private static IEnumerable<string> Mutations(Random random, string text)
    {
        yield return text;
        var original = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < 4; i++)
        {
            var bytes = new List<byte>(original);
            for (var edit = random.Next(1, 3); edit > 0 && bytes.Count > 0; edit--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = MutationBytes[random.Next(MutationBytes.Length)];
                        break;
                    case 1:
                        bytes.RemoveAt(at);
                        break;
                    default:
                        bytes.Insert(at, MutationBytes[random.Next(MutationBytes.Length)]);
                        break;
                }
            }

            var array = bytes.ToArray();
            if (Utf8.IsValid(array))
            {
                yield return Encoding.UTF8.GetString(array);
            }
        }
    }

    private static string Describe(IpcRequest? request) =>
        request is null ? "(none)" : $"{request.MessageType}|{request.RunId ?? "(null)"}|{Convert.ToHexString(request.PayloadUtf8)}|{Describe(request.PayloadMembers)}";

    private static string Describe(PayloadMember[]? members) => members is null ? "(no members)" : string.Join(";", members);
}
