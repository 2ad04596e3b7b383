using System.Text;
using Newtonsoft.Json;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>docs/protocol.md §2 and §4: request line bytes → request, or the error that answers it, checks in order.</summary>
public sealed class RequestDecoderSpecs
{
    private const string Version = "\"opsclaw.ipc.v1alpha1\"";
    private const string MalformedPrefix = "invalid ipc json line: ";
    private const string EnvelopePrefix = "invalid ipc envelope: ";

    private static readonly IpcCodec Codec = new();

    // --- accepted requests -------------------------------------------------------------------

    [Fact]
    public void Codec_should_decode_a_valid_request()
    {
        var result = Decode("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.ping","run_id":"r1","payload_json":"{}"}""");

        Assert.Equal(new IpcRequest("runtime.ping", "r1", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_keep_payload_json_exactly_as_the_client_wrote_it()
    {
        var result = Decode("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.forward","run_id":"r2","payload_json":"{\"a\": [1, 2]}"}""");

        Assert.Equal(new IpcRequest("runtime.forward", "r2", "{\"a\": [1, 2]}"), AssertAccepted(result));
    }

    [Theory]
    [InlineData("{\"a\": [1, 2]}")]
    [InlineData("  {\n  \"a\" :\t[1 ,2 ]\r\n}  ")]
    [InlineData("{\"b\":2,\"a\":1}")]
    [InlineData("{\"a\":1.50,\"b\":1e3,\"c\":-0.0}")]
    [InlineData("\"\\u00e9\\n\"")]
    [InlineData("{\"a\":\"\\u0000\"}")]
    [InlineData("{\"\\\"\":\"\\/\"}")]
    [InlineData("\"caf\u00e9 \u2713 \U0001F600\"")]
    [InlineData("1")]
    [InlineData("-0.5e-10")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[]")]
    [InlineData("\"s\"")]
    public void Codec_should_accept_any_json_value_as_payload_and_keep_its_text(string payload)
    {
        var result = Decode(Line(payloadJson: JsonConvert.ToString(payload)));

        Assert.Equal(payload, AssertAccepted(result).PayloadJson);
    }

    [Fact]
    public void Schema_version_bytes_should_be_the_schema_version()
    {
        Assert.Equal(IpcSchema.Version, Encoding.UTF8.GetString(IpcSchema.VersionUtf8));
    }

    /// <summary>Message types are taken from a per-thread cache when a line repeats the last one; a different type must not be confused with it.</summary>
    [Fact]
    public void Alternating_message_types_should_each_decode_as_written()
    {
        foreach (var type in new[] { "runtime.ping", "runtime.ping", "runtime.pin", "runtime.pingx", "runtime.p\\u0069ng", "control.status", "runtime.ping" })
        {
            var decoded = AssertAccepted(Decode(Line(messageType: "\"" + type + "\"")));
            Assert.Equal(type.Replace("\\u0069", "i", StringComparison.Ordinal), decoded.MessageType);
        }
    }

    /// <summary>A decoded request holds its payload as UTF-8 until asked for the text; it must behave as one made from the text.</summary>
    [Fact]
    public void A_decoded_request_should_equal_hash_copy_and_deconstruct_as_one_made_from_its_text()
    {
        const string Payload = "{\"name\":\"Zo\u00eb \u2713\",\"esc\":\"\\u00e9\\n\"}";
        var decoded = AssertAccepted(Decode(Line(messageType: "\"runtime.forward\"", runId: "\"r1\"", payloadJson: JsonConvert.ToString(Payload))));
        var made = new IpcRequest("runtime.forward", "r1", Payload);

        Assert.Equal(Encoding.UTF8.GetBytes(Payload), decoded.PayloadUtf8.ToArray());
        Assert.Equal(made, decoded);
        Assert.Equal(made.GetHashCode(), decoded.GetHashCode());
        Assert.Equal(made.ToString(), decoded.ToString());
        Assert.Equal(made with { RunId = "r2" }, decoded with { RunId = "r2" });
        Assert.NotEqual(made, decoded with { PayloadJson = "{}" });
        Assert.Equal("{}", Encoding.UTF8.GetString((decoded with { PayloadJson = "{}" }).PayloadUtf8));
        var (type, runId, payload) = decoded;
        Assert.Equal(("runtime.forward", "r1", Payload), (type, runId, payload));
    }

    /// <summary>The decoder notes where an object payload's top-level members are, so the broker need not read the payload again.</summary>
    [Fact]
    public void An_object_payload_should_carry_where_each_top_level_member_is()
    {
        const string Payload = " { \"topic\" : \"a.b\", \"body\":{\"x\":[1,{\"y\":\"}\"}]} ,\"n\":-1.5e3,\"s\":\"q\\\"\",\"t\":true,\"z\":null } ";
        var request = AssertAccepted(Decode(Line(payloadJson: JsonConvert.ToString(Payload))));

        var payload = request.PayloadUtf8.ToArray();
        var members = request.PayloadMembers!.Select(member =>
            (Encoding.UTF8.GetString(member.Name(payload)), Encoding.UTF8.GetString(member.Value(payload)), member.Token.ToString()));
        Assert.Equal(
            [("topic", "\"a.b\"", "String"), ("body", "{\"x\":[1,{\"y\":\"}\"}]}", "StartObject"), ("n", "-1.5e3", "Number"), ("s", "\"q\\\"\"", "String"), ("t", "true", "True"), ("z", "null", "Null")],
            members);
        Assert.Null((request with { PayloadJson = "{\"a\":1}" }).PayloadMembers);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"\\u0074opic\":\"a\"}")]
    public void A_payload_that_is_not_an_object_or_has_an_escaped_name_should_carry_no_members(string payload)
    {
        Assert.Null(AssertAccepted(Decode(Line(payloadJson: JsonConvert.ToString(payload)))).PayloadMembers);
    }

    [Fact]
    public void An_object_with_more_members_than_are_noted_should_carry_none()
    {
        string Object(int count) => "{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"m{i}\":{i}")) + "}";

        Assert.Equal(PayloadMember.MaxMembers, AssertAccepted(Decode(Line(payloadJson: JsonConvert.ToString(Object(PayloadMember.MaxMembers))))).PayloadMembers!.Length);
        Assert.Null(AssertAccepted(Decode(Line(payloadJson: JsonConvert.ToString(Object(PayloadMember.MaxMembers + 1))))).PayloadMembers);
    }

    [Fact]
    public void Codec_should_keep_an_escaped_nul_inside_payload_json()
    {
        var result = Decode("""{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","payload_json":"{\"a\":\"x\\u0000y\"}"}""");

        Assert.Equal("{\"a\":\"x\\u0000y\"}", AssertAccepted(result).PayloadJson);
    }

    [Fact]
    public void Codec_should_ignore_unknown_fields_and_the_response_only_fields()
    {
        var result = Decode(
            """{"ok":false,"error":"boom","error_code":"timeout","schema_version":"opsclaw.ipc.v1alpha1","extra":{"deep":[1,{"x":null}]},"message_type":"runtime.ping","list":[],"run_id":"r3","flag":true,"payload_json":"{}","n":-1.5e300,"z":null}""");

        Assert.Equal(new IpcRequest("runtime.ping", "r3", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_ignore_response_only_fields_of_any_type()
    {
        var result = Decode(Line(extra: ""","ok":{"a":[1]},"error":5,"error_code":[null]"""));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_not_read_known_field_names_inside_nested_values()
    {
        var result = Decode(Line(extra: ""","x":{"schema_version":"bad","payload_json":5,"run_id":7},"y":[{"message_type":1}]"""));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_accept_fields_in_any_order()
    {
        var result = Decode("""{"payload_json":"[1]","run_id":"r4","message_type":"m","schema_version":"opsclaw.ipc.v1alpha1"}""");

        Assert.Equal(new IpcRequest("m", "r4", "[1]"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_treat_a_missing_run_id_and_a_null_run_id_alike()
    {
        Assert.Null(AssertAccepted(Decode(Line(runId: null))).RunId);
        Assert.Null(AssertAccepted(Decode(Line(runId: "null"))).RunId);
    }

    [Fact]
    public void Codec_should_accept_whitespace_around_and_inside_the_envelope()
    {
        var result = Decode(" \t{ \"schema_version\" : " + Version + " ,\r\"message_type\":\"m\" , \"payload_json\" : \"{}\" }\t \r");

        Assert.Equal(new IpcRequest("m", null, "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_recognize_escaped_field_names()
    {
        var result = Decode("""{"\u0073chema_version":"opsclaw.ipc.v1alpha1","message\u005ftype":"runtime.ping","run\u005Fid":"r5","payload\u005fjson":"{}"}""");

        Assert.Equal(new IpcRequest("runtime.ping", "r5", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_compare_an_escaped_schema_version_by_its_value()
    {
        var result = Decode(Line(schemaVersion: "\"opsclaw.ipc.v1alpha\\u0031\""));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_decode_non_ascii_text_and_surrogate_pair_escapes()
    {
        var result = Decode(Line(messageType: "\"caf\u00e9.\\ud83d\\ude00\"", runId: "\"r\u00fc\u2713\""));

        var request = AssertAccepted(result);
        Assert.Equal("caf\u00e9.\U0001F600", request.MessageType);
        Assert.Equal("r\u00fc\u2713", request.RunId);
    }

    [Fact]
    public void Codec_should_accept_a_delete_character_raw_in_a_string()
    {
        // RFC 8259 requires escaping only U+0000..U+001F; U+007F may appear raw.
        var result = Decode(Line(runId: "\"a\u007fb\""));

        Assert.Equal("a\u007fb", AssertAccepted(result).RunId);
    }

    [Fact]
    public void Codec_should_accept_a_number_of_ten_thousand_digits_in_an_unknown_field()
    {
        var digits = new string('7', 10_000);

        var result = Decode(Line(extra: $",\"big\":-{digits}.{digits}e+{digits}"));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_accept_and_keep_a_number_of_ten_thousand_digits_inside_payload_json()
    {
        var payload = "{\"n\":[" + new string('9', 10_000) + ",-0." + new string('1', 10_000) + "E-99999]}";

        var result = Decode(Line(payloadJson: JsonConvert.ToString(payload)));

        Assert.Equal(payload, AssertAccepted(result).PayloadJson);
    }

    [Fact]
    public void Codec_should_accept_a_one_mebibyte_string_in_payload_json()
    {
        var payload = "{\"blob\":\"" + new string('a', 1 << 20) + "\"}";

        var result = Decode(Line(payloadJson: JsonConvert.ToString(payload)));

        Assert.Equal(payload, AssertAccepted(result).PayloadJson);
    }

    [Fact]
    public void Codec_should_accept_a_one_mebibyte_string_in_an_unknown_field()
    {
        var result = Decode(Line(extra: ",\"blob\":\"" + new string('b', 1 << 20) + "\""));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_default_max_json_depth_to_64()
    {
        Assert.Equal(64, new IpcCodec().MaxJsonDepth);
        Assert.Equal(64, IpcJson.DefaultMaxDepth);
    }

    // --- malformed_json ----------------------------------------------------------------------

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFE })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void Codec_should_reject_invalid_utf8_as_malformed_json(byte[] invalid)
    {
        // The bad bytes sit inside a string value of an otherwise valid request, so only UTF-8 is at fault.
        byte[] line =
        [
            .. Encoding.UTF8.GetBytes("{\"schema_version\":" + Version + ",\"message_type\":\"m\",\"run_id\":\"r"),
            .. invalid,
            .. Encoding.UTF8.GetBytes("\",\"payload_json\":\"{}\"}"),
        ];

        var error = AssertRejected(Codec.DecodeRequest(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
        Assert.Equal("invalid ipc json line: line is not valid UTF-8", error.Error);
    }

    [Fact]
    public void Codec_should_reject_invalid_utf8_inside_payload_json_as_malformed_json()
    {
        byte[] line =
        [
            .. Encoding.UTF8.GetBytes("{\"schema_version\":" + Version + ",\"message_type\":\"m\",\"payload_json\":\"\\\""),
            0xFF,
            .. Encoding.UTF8.GetBytes("\\\"\"}"),
        ];

        AssertRejected(Codec.DecodeRequest(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"schema_version\"")]
    [InlineData("{\"schema_version\":")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1al")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\":[1,2}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\":tru}")]
    public void Codec_should_reject_truncated_json_as_malformed_json(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"run_id\":\"r1\",\"payload_json\":\"{}\"}]")]
    [InlineData("\"{}\"")]
    [InlineData("42")]
    [InlineData("-1.5e3")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("false")]
    public void Codec_should_reject_a_line_that_is_not_an_object_as_malformed_json(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData(" x")]
    [InlineData("{}")]
    [InlineData(" {}")]
    [InlineData(",")]
    [InlineData("}")]
    [InlineData("]")]
    [InlineData("\"r1\"")]
    [InlineData("0")]
    [InlineData("\n{}")]
    public void Codec_should_reject_trailing_garbage_after_the_object_as_malformed_json(string garbage)
    {
        AssertRejected(Decode(Line() + garbage), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}\0")]
    [InlineData("\0{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\0\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\0\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"run_id\":\"\0\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\0\":1}")]
    public void Codec_should_reject_a_raw_nul_byte_as_malformed_json(string line)
    {
        Assert.Contains("\0", line);
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("\u0001")]
    [InlineData("\t")]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\u001b")]
    [InlineData("\u001f")]
    public void Codec_should_reject_a_raw_control_character_inside_a_string_as_malformed_json(string control)
    {
        AssertRejected(Decode(Line(runId: "\"a" + control + "b\"")), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("/* c */{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"} // c")]
    [InlineData("{\"schema_version\"/* c */:\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"} #")]
    public void Codec_should_reject_comments_as_malformed_json(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("{'schema_version':'opsclaw.ipc.v1alpha1','message_type':'m','payload_json':'{}'}")]
    [InlineData("{\"schema_version\":'opsclaw.ipc.v1alpha1',\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",'x':1}")]
    public void Codec_should_reject_single_quotes_as_malformed_json(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData("0x1F")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("undefined")]
    [InlineData("True")]
    public void Codec_should_reject_non_json_literals_as_malformed_json(string literal)
    {
        AssertRejected(Decode(Line(extra: ",\"x\":" + literal)), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\":[1,]}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\":{\"a\":1,}}")]
    [InlineData("{,\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",,\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    public void Codec_should_reject_stray_commas_as_malformed_json(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData("{schema_version:\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\"=\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\" \"message_type\":\"m\",\"payload_json\":\"{}\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\":\"\\q\"}")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\",\"x\":\"\\u12\"}")]
    public void Codec_should_reject_other_syntax_errors_as_malformed_json(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Fact]
    public void Codec_should_reject_an_empty_or_whitespace_line_as_malformed_json()
    {
        // The framer drops these before the codec; the codec still answers rather than throwing.
        AssertRejected(Codec.DecodeRequest([]), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
        AssertRejected(Decode(" \t"), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(64)]
    public void Codec_should_accept_an_envelope_nested_exactly_max_json_depth_counting_the_root_object(int maxDepth)
    {
        var codec = new IpcCodec(maxDepth);

        var arrays = codec.DecodeRequest(Utf8(EnvelopeOfDepth(maxDepth, NestedArrays)));
        var objects = codec.DecodeRequest(Utf8(EnvelopeOfDepth(maxDepth, NestedObjects)));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(arrays));
        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(objects));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(64)]
    public void Codec_should_reject_an_envelope_nested_one_deeper_than_max_json_depth_as_malformed_json(int maxDepth)
    {
        var codec = new IpcCodec(maxDepth);

        var arrays = codec.DecodeRequest(Utf8(EnvelopeOfDepth(maxDepth + 1, NestedArrays)));
        var objects = codec.DecodeRequest(Utf8(EnvelopeOfDepth(maxDepth + 1, NestedObjects)));

        AssertRejected(arrays, IpcErrors.MalformedJsonCode, MalformedPrefix, null);
        AssertRejected(objects, IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Fact]
    public void Codec_should_reject_hostile_nesting_far_past_the_limit_as_malformed_json()
    {
        var line = "{\"x\":" + new string('[', 100_000);

        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    // --- invalid_envelope --------------------------------------------------------------------

    [Theory]
    [InlineData("schema_version")]
    [InlineData("message_type")]
    [InlineData("payload_json")]
    public void Codec_should_reject_a_missing_required_field_as_invalid_envelope(string field)
    {
        var line = field switch
        {
            "schema_version" => Line(schemaVersion: null),
            "message_type" => Line(messageType: null),
            _ => Line(payloadJson: null),
        };

        var error = AssertRejected(Decode(line), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        Assert.Contains($"'{field}'", error.Error);
    }

    [Fact]
    public void Codec_should_reject_an_empty_object_as_invalid_envelope_naming_the_first_missing_field()
    {
        var error = AssertRejected(Decode("{}"), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
        Assert.Equal("invalid ipc envelope: missing required field 'schema_version'", error.Error);
    }

    [Theory]
    [InlineData("schema_version", "1")]
    [InlineData("schema_version", "{}")]
    [InlineData("schema_version", "[\"opsclaw.ipc.v1alpha1\"]")]
    [InlineData("schema_version", "true")]
    [InlineData("schema_version", "null")]
    [InlineData("message_type", "2.5")]
    [InlineData("message_type", "{\"t\":\"runtime.ping\"}")]
    [InlineData("message_type", "[]")]
    [InlineData("message_type", "false")]
    [InlineData("message_type", "null")]
    [InlineData("payload_json", "0")]
    [InlineData("payload_json", "{}")]
    [InlineData("payload_json", "[1,2]")]
    [InlineData("payload_json", "true")]
    [InlineData("payload_json", "null")]
    public void Codec_should_reject_a_required_field_that_is_not_a_string_as_invalid_envelope(string field, string value)
    {
        var line = field switch
        {
            "schema_version" => Line(schemaVersion: value),
            "message_type" => Line(messageType: value),
            _ => Line(payloadJson: value),
        };

        var error = AssertRejected(Decode(line), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        Assert.Contains($"'{field}'", error.Error);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"r9\"}")]
    [InlineData("[\"r9\"]")]
    [InlineData("true")]
    [InlineData("false")]
    public void Codec_should_reject_a_run_id_that_is_neither_string_nor_null_without_echoing_it(string value)
    {
        var error = AssertRejected(Decode(Line(runId: value)), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
        Assert.Contains("'run_id'", error.Error);
    }

    [Fact]
    public void Codec_should_echo_a_string_run_id_when_another_field_is_invalid()
    {
        var error = AssertRejected(Decode(Line(runId: "\"r9\"", payloadJson: null)), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        Assert.Equal("invalid ipc envelope: missing required field 'payload_json'", error.Error);
    }

    [Fact]
    public void Codec_should_echo_a_run_id_that_appears_before_or_after_the_bad_field()
    {
        var before = Decode("{\"run_id\":\"early\",\"schema_version\":" + Version + ",\"message_type\":5,\"payload_json\":\"{}\"}");
        var after = Decode("{\"schema_version\":" + Version + ",\"message_type\":5,\"payload_json\":\"{}\",\"run_id\":\"late\"}");

        AssertRejected(before, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "early");
        AssertRejected(after, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "late");
    }

    [Fact]
    public void Codec_should_not_echo_a_null_run_id_on_invalid_envelope()
    {
        AssertRejected(Decode(Line(runId: "null", payloadJson: null)), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
        AssertRejected(Decode(Line(runId: null, payloadJson: null)), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
    }

    [Fact]
    public void Codec_should_reject_an_empty_payload_json_as_invalid_envelope()
    {
        var error = AssertRejected(Decode(Line(payloadJson: "\"\"")), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        Assert.Contains("'payload_json'", error.Error);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("{a:1}")]
    [InlineData("{'a':1}")]
    [InlineData("'x'")]
    [InlineData("NaN")]
    [InlineData("tru")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{} {}")]
    [InlineData("1 2")]
    [InlineData("{}x")]
    [InlineData("/* c */ {}")]
    [InlineData("{} // c")]
    [InlineData("\"unterminated")]
    [InlineData("\0")]
    [InlineData("{\"a\":\"\0\"}")]
    [InlineData("{\"a\":\"\u0001\"}")]
    [InlineData("\"\\q\"")]
    public void Codec_should_reject_a_payload_json_that_is_not_valid_json_as_invalid_envelope(string payload)
    {
        var error = AssertRejected(Decode(Line(payloadJson: JsonConvert.ToString(payload))), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        Assert.Contains("'payload_json'", error.Error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(64)]
    public void Codec_should_accept_a_payload_json_nested_exactly_max_json_depth(int maxDepth)
    {
        var codec = new IpcCodec(maxDepth);
        var arrays = NestedArrays(maxDepth);
        var objects = NestedObjects(maxDepth);

        Assert.Equal(arrays, AssertAccepted(codec.DecodeRequest(Utf8(Line(payloadJson: JsonConvert.ToString(arrays))))).PayloadJson);
        Assert.Equal(objects, AssertAccepted(codec.DecodeRequest(Utf8(Line(payloadJson: JsonConvert.ToString(objects))))).PayloadJson);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(64)]
    public void Codec_should_reject_a_payload_json_nested_deeper_than_max_json_depth_as_invalid_envelope(int maxDepth)
    {
        var codec = new IpcCodec(maxDepth);

        var arrays = codec.DecodeRequest(Utf8(Line(payloadJson: JsonConvert.ToString(NestedArrays(maxDepth + 1)))));
        var objects = codec.DecodeRequest(Utf8(Line(payloadJson: JsonConvert.ToString(NestedObjects(maxDepth + 1)))));

        AssertRejected(arrays, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        AssertRejected(objects, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
    }

    [Theory]
    [InlineData("schema_version", Version)]
    [InlineData("message_type", "\"runtime.ping\"")]
    [InlineData("payload_json", "\"{}\"")]
    public void Codec_should_reject_a_duplicate_known_field_as_invalid_envelope(string field, string value)
    {
        var same = Decode(Line(extra: $",\"{field}\":{value}"));
        var other = Decode(Line(extra: $",\"{field}\":\"other\""));

        Assert.Contains($"'{field}'", AssertRejected(same, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9").Error);
        Assert.Contains($"'{field}'", AssertRejected(other, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9").Error);
    }

    [Fact]
    public void Codec_should_reject_a_duplicate_run_id_without_echoing_either_value()
    {
        // Which of two run_ids to echo is undecidable, so neither is: the reply cannot be misattributed.
        var error = AssertRejected(Decode(Line(extra: ",\"run_id\":\"r9\"")), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
        Assert.Contains("'run_id'", error.Error);
    }

    [Fact]
    public void Codec_should_count_an_escaped_field_name_as_a_duplicate()
    {
        var error = AssertRejected(
            Decode(Line(extra: ",\"message\\u005ftype\":\"other\"")),
            IpcErrors.InvalidEnvelopeCode,
            EnvelopePrefix,
            "r9");
        Assert.Contains("'message_type'", error.Error);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"a\\ud800b\"")]
    [InlineData("\"\\ude00\\ud83d\"")]
    [InlineData("\"\\ud83d\\u0041\"")]
    public void Codec_should_reject_a_lone_surrogate_escape_in_message_type_as_invalid_envelope(string value)
    {
        var error = AssertRejected(Decode(Line(messageType: value)), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        Assert.Contains("'message_type'", error.Error);
    }

    [Fact]
    public void Codec_should_reject_a_lone_surrogate_escape_in_any_known_field_as_invalid_envelope()
    {
        AssertRejected(Decode(Line(schemaVersion: "\"\\ud800\"")), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        AssertRejected(Decode(Line(payloadJson: "\"\\ud800\"")), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        AssertRejected(Decode(Line(runId: "\"\\ud800\"")), IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\ud800\\ud800\\ud800\\ud800\"")]
    [InlineData("\"schema\\ud800version\"")]
    [InlineData("\"message_type\\ud800\"")]
    public void Codec_should_ignore_an_unknown_field_whose_name_holds_a_lone_surrogate(string name)
    {
        var result = Decode(Line(extra: $",{name}:\"\\udc00\""));

        Assert.Equal(new IpcRequest("runtime.ping", "r9", "{}"), AssertAccepted(result));
    }

    [Fact]
    public void Codec_should_keep_a_lone_surrogate_escape_written_inside_the_payload_text()
    {
        // The payload's own \ud800 is valid JSON syntax and the payload is kept as text, so no decoding happens here.
        const string payload = "{\"s\":\"\\ud800\"}";

        var result = Decode(Line(payloadJson: JsonConvert.ToString(payload)));

        Assert.Equal(payload, AssertAccepted(result).PayloadJson);
    }

    [Fact]
    public void Codec_should_answer_every_mutation_of_a_request_with_a_request_or_an_error_and_never_throw()
    {
        // Seeded, so the same mutations run every time; the bytes are chosen to hit escapes, surrogates,
        // structure and UTF-8 edges rather than be uniformly random.
        var seed = Utf8("""{"schema_version":"opsclaw.ipc.v1alpha1","message\u005ftype":"caf\u00e9\ud83d\ude00","run_id":"r\"1","payload_json":"{\"a\":[1,{\"b\":\"\\ud800\"}]}","x":[{"y":-1.5e3}],"k\ud83d\ude00":"\ud83d\ude00"}""");
        byte[] interesting = [(byte)'\\', (byte)'"', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'c', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)' ', 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xFF];
        var random = new Random(20240601);
        var codec = new IpcCodec(4);
        Assert.Equal(new IpcRequest("caf\u00e9\U0001F600", "r\"1", "{\"a\":[1,{\"b\":\"\\ud800\"}]}"), AssertAccepted(codec.DecodeRequest(seed)));

        for (var i = 0; i < 20_000; i++)
        {
            var line = (byte[])seed.Clone();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                line[random.Next(line.Length)] = random.Next(4) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
            }

            var result = codec.DecodeRequest(line);

            Assert.True(
                (result.Request is null) != (result.Error is null),
                $"mutation {i} gave neither or both for {Convert.ToHexString(line)}");
        }
    }

    // --- order of checks ---------------------------------------------------------------------

    [Theory]
    [InlineData("{\"schema_version\":5,\"message_type\":\"m\",\"run_id\":\"r9\",\"payload_json\":\"{}\",\"x\":tru}")]
    [InlineData("{\"schema_version\":\"v0\",\"run_id\":\"r9\",\"message_type\":\"m\",\"payload_json\":\"{}\"")]
    [InlineData("{\"run_id\":\"r9\",\"payload_json\":\"{\"}x")]
    [InlineData("{\"run_id\":5,\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"payload_json\":\"{}\"}]")]
    [InlineData("{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"m\",\"message_type\":\"m\",\"run_id\":\"r9\",\"payload_json\":\"{}\",}")]
    public void Codec_should_report_a_syntax_error_later_in_the_line_before_an_envelope_problem(string line)
    {
        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Fact]
    public void Codec_should_report_a_later_syntax_error_before_a_too_deep_payload()
    {
        var line = Line(payloadJson: JsonConvert.ToString(NestedArrays(65))) + "x";

        AssertRejected(Decode(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
    }

    [Fact]
    public void Codec_should_report_invalid_utf8_before_a_json_syntax_error()
    {
        byte[] line = [(byte)'{', 0xFF, (byte)','];

        var error = AssertRejected(Codec.DecodeRequest(line), IpcErrors.MalformedJsonCode, MalformedPrefix, null);
        Assert.Equal("invalid ipc json line: line is not valid UTF-8", error.Error);
    }

    [Fact]
    public void Codec_should_report_an_envelope_problem_before_a_wrong_schema_version()
    {
        var missingPayload = Decode(Line(schemaVersion: "\"opsclaw.ipc.v0\"", payloadJson: null));
        var badType = Decode(Line(schemaVersion: "\"opsclaw.ipc.v0\"", messageType: "1"));
        var badPayload = Decode(Line(schemaVersion: "\"opsclaw.ipc.v0\"", payloadJson: "\"{\""));
        var badRunId = Decode(Line(schemaVersion: "\"opsclaw.ipc.v0\"", runId: "1"));

        AssertRejected(missingPayload, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        AssertRejected(badType, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        AssertRejected(badPayload, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, "r9");
        AssertRejected(badRunId, IpcErrors.InvalidEnvelopeCode, EnvelopePrefix, null);
    }

    // --- invalid_schema_version --------------------------------------------------------------

    [Theory]
    [InlineData("opsclaw.ipc.v0", "opsclaw.ipc.v0")]
    [InlineData("", "")]
    [InlineData("OPSCLAW.IPC.V1ALPHA1", "OPSCLAW.IPC.V1ALPHA1")]
    [InlineData(" opsclaw.ipc.v1alpha1", " opsclaw.ipc.v1alpha1")]
    [InlineData("opsclaw.ipc.v1alpha1 ", "opsclaw.ipc.v1alpha1 ")]
    [InlineData("opsclaw.ipc.v1alpha2", "opsclaw.ipc.v1alpha2")]
    [InlineData("opsclaw.ipc.v1alpha1\\u0000", "opsclaw.ipc.v1alpha1\0")]
    [InlineData("it's \\\"v2\\\"", "it's \"v2\"")]
    public void Codec_should_reject_another_schema_version_with_the_exact_text_and_the_run_id(string written, string got)
    {
        var error = AssertRejected(
            Decode(Line(schemaVersion: "\"" + written + "\"")),
            IpcErrors.InvalidSchemaVersionCode,
            "invalid schema_version '",
            "r9");

        Assert.Equal($"invalid schema_version '{got}', expected 'opsclaw.ipc.v1alpha1'", error.Error);
    }

    [Fact]
    public void Codec_should_reject_another_schema_version_without_a_run_id_when_none_was_sent()
    {
        var error = AssertRejected(
            Decode(Line(schemaVersion: "\"opsclaw.ipc.v2\"", runId: null)),
            IpcErrors.InvalidSchemaVersionCode,
            "invalid schema_version '",
            null);

        Assert.Equal("invalid schema_version 'opsclaw.ipc.v2', expected 'opsclaw.ipc.v1alpha1'", error.Error);
    }

    // --- helpers -----------------------------------------------------------------------------

    /// <summary>
    /// A request line from raw JSON fragments: each argument is the field's value as written on the
    /// wire, <c>null</c> to leave the field out; <paramref name="extra"/> is appended before the brace.
    /// </summary>
    private static string Line(
        string? schemaVersion = Version,
        string? messageType = "\"runtime.ping\"",
        string? runId = "\"r9\"",
        string? payloadJson = "\"{}\"",
        string extra = "")
    {
        var fields = new List<string>();
        Add("schema_version", schemaVersion);
        Add("message_type", messageType);
        Add("run_id", runId);
        Add("payload_json", payloadJson);
        return "{" + string.Join(",", fields) + extra + "}";

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                fields.Add($"\"{name}\":{value}");
            }
        }
    }

    /// <summary>A valid request whose total depth, root object included, is <paramref name="depth"/>.</summary>
    private static string EnvelopeOfDepth(int depth, Func<int, string> nested) =>
        depth == 1 ? Line() : Line(extra: ",\"x\":" + nested(depth - 1));

    private static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);

    private static string NestedObjects(int depth)
    {
        var text = "{}";
        for (var i = 1; i < depth; i++)
        {
            text = "{\"a\":" + text + "}";
        }

        return text;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static DecodeResult Decode(string line) => Codec.DecodeRequest(Utf8(line));

    private static IpcRequest AssertAccepted(DecodeResult result)
    {
        Assert.True(result.Error is null, $"expected a request, got {result.Error}");
        Assert.NotNull(result.Request);
        return result.Request;
    }

    private static IpcResponse AssertRejected(DecodeResult result, string code, string textPrefix, string? runId)
    {
        Assert.True(result.Request is null, $"expected {code}, got {result.Request}");
        Assert.NotNull(result.Error);
        var error = result.Error;
        Assert.Equal(code, error.ErrorCode);
        Assert.StartsWith(textPrefix, error.Error);
        Assert.True(error.Error!.Length > textPrefix.Length, $"no detail after the prefix: '{error.Error}'");
        Assert.Equal(runId, error.RunId);
        Assert.Equal(MessageTypes.Error, error.MessageType);
        Assert.Equal(IpcResponse.EmptyPayload, error.PayloadJson);
        Assert.False(error.Ok);
        return error;
    }
}
