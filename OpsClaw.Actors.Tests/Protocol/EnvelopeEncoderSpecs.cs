using System.Buffers;
using System.Text;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>docs/protocol.md §3 and §4: envelopes → exact bytes, and the exact error texts.</summary>
public sealed class EnvelopeEncoderSpecs
{
    [Fact]
    public void Encoder_should_write_the_ping_reply_byte_for_byte()
    {
        var bytes = IpcCodec.EncodeResponse(IpcResponse.Success("runtime.pong", "r1", ChannelPayloads.Pong));

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.pong","run_id":"r1","payload_json":"{\"status\":\"ok\"}","ok":true,"error":null,"error_code":null}""",
            bytes);
    }

    [Fact]
    public void Encoder_should_escape_del_and_c1_controls_and_keep_other_text_as_utf8()
    {
        var bytes = IpcCodec.EncodeResponse(IpcResponse.Success("t", "é\u007f\u0080\u009b\u00a0\u2028✓", "{}"));

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"t","run_id":"é\u007f\u0080\u009b \u2028✓","payload_json":"{}","ok":true,"error":null,"error_code":null}""",
            bytes);
        Assert.Equal("é\u007f\u0080\u009b\u00a0\u2028✓", IpcCodec.DecodeResponse(bytes.AsSpan(..^1)).RunId);
    }

    [Fact]
    public void Encoder_should_write_a_null_run_id_on_success()
    {
        var bytes = IpcCodec.EncodeResponse(IpcResponse.Success("control.health.ok", null, ChannelPayloads.Healthy));

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"control.health.ok","run_id":null,"payload_json":"{\"status\":\"healthy\"}","ok":true,"error":null,"error_code":null}""",
            bytes);
    }

    /// <summary>The reply payloads of docs/protocol.md §5.</summary>
    [Fact]
    public void Encoder_should_write_the_builtin_reply_payloads_exactly()
    {
        Assert.Equal("""{"status":"ok"}""", ChannelPayloads.Pong);
        Assert.Equal("""{"accepted":true}""", ChannelPayloads.ForwardAck);
        Assert.Equal("""{"status":"healthy"}""", ChannelPayloads.Healthy);
        Assert.Equal("""{"stop":"requested"}""", ChannelPayloads.StopRequested);
    }

    [Fact]
    public void Encoder_should_write_all_seven_fields_in_order_on_an_error_without_run_id()
    {
        var bytes = IpcCodec.EncodeResponse(IpcErrors.MalformedJson("boom"));

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":null,"payload_json":"{}","ok":false,"error":"invalid ipc json line: boom","error_code":"malformed_json"}""",
            bytes);
    }

    [Fact]
    public void Encoder_should_write_the_server_schema_version_even_for_a_hand_built_response()
    {
        var bytes = IpcCodec.EncodeResponse(new IpcResponse("x", null, "[]", false, null, null));

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"x","run_id":null,"payload_json":"[]","ok":false,"error":null,"error_code":null}""",
            bytes);
    }

    /// <summary>The eleven codes of docs/protocol.md §4 and the broker's three of §4, in the fixed order the schema and the SDK list them.</summary>
    [Fact]
    public void Errors_should_list_every_code_in_its_fixed_order()
    {
        Assert.Equal(
            new[]
            {
                "frame_too_large", "malformed_json", "invalid_envelope", "invalid_schema_version",
                "unsupported_message_type", "invalid_payload", "handler_failed", "timeout",
                "forbidden", "overloaded", "shutting_down",
                "unknown_subscription", "unknown_delivery", "limit_exceeded",
            },
            IpcErrors.AllCodes);
    }

    [Fact]
    public void Errors_should_word_frame_too_large_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":null,"payload_json":"{}","ok":false,"error":"ipc line exceeds 1048576 bytes","error_code":"frame_too_large"}""",
            IpcCodec.EncodeResponse(IpcErrors.FrameTooLarge(1048576)));
    }

    [Fact]
    public void Errors_should_word_malformed_json_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":null,"payload_json":"{}","ok":false,"error":"invalid ipc json line: line is not valid UTF-8","error_code":"malformed_json"}""",
            IpcCodec.EncodeResponse(IpcErrors.MalformedJson("line is not valid UTF-8")));
    }

    [Fact]
    public void Errors_should_word_invalid_envelope_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r9","payload_json":"{}","ok":false,"error":"invalid ipc envelope: missing required field 'payload_json'","error_code":"invalid_envelope"}""",
            IpcCodec.EncodeResponse(IpcErrors.InvalidEnvelope("missing required field 'payload_json'", "r9")));
    }

    [Fact]
    public void Errors_should_word_invalid_schema_version_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r5","payload_json":"{}","ok":false,"error":"invalid schema_version 'opsclaw.ipc.v0', expected 'opsclaw.ipc.v1alpha1'","error_code":"invalid_schema_version"}""",
            IpcCodec.EncodeResponse(IpcErrors.InvalidSchemaVersion("opsclaw.ipc.v0", "r5")));
    }

    [Fact]
    public void Errors_should_word_unsupported_message_type_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r1","payload_json":"{}","ok":false,"error":"unsupported runtime message_type 'control.stop'","error_code":"unsupported_message_type"}""",
            IpcCodec.EncodeResponse(IpcErrors.UnsupportedMessageType("runtime", "control.stop", "r1")));
    }

    [Fact]
    public void Errors_should_word_invalid_payload_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r2","payload_json":"{}","ok":false,"error":"invalid payload for 'runtime.forward': field 'target' is required","error_code":"invalid_payload"}""",
            IpcCodec.EncodeResponse(IpcErrors.InvalidPayload("runtime.forward", "field 'target' is required", "r2")));
    }

    [Fact]
    public void Errors_should_word_handler_failed_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r3","payload_json":"{}","ok":false,"error":"handler for 'runtime.ping' failed","error_code":"handler_failed"}""",
            IpcCodec.EncodeResponse(IpcErrors.HandlerFailed("runtime.ping", "r3")));
    }

    [Fact]
    public void Errors_should_word_timeout_exactly_in_whole_milliseconds()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r4","payload_json":"{}","ok":false,"error":"request timed out after 30000 ms","error_code":"timeout"}""",
            IpcCodec.EncodeResponse(IpcErrors.Timeout(TimeSpan.FromSeconds(30), "r4")));
        Assert.Equal("request timed out after 1500 ms", IpcErrors.Timeout(TimeSpan.FromMilliseconds(1500.9), null).Error);
    }

    [Fact]
    public void Errors_should_word_forbidden_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":null,"payload_json":"{}","ok":false,"error":"peer uid 1001 is not allowed on control","error_code":"forbidden"}""",
            IpcCodec.EncodeResponse(IpcErrors.Forbidden(1001, "control")));
        Assert.Equal("peer uid 4294967294 is not allowed on control", IpcErrors.Forbidden(4294967294, "control").Error);
    }

    [Fact]
    public void Errors_should_word_overloaded_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":null,"payload_json":"{}","ok":false,"error":"runtime socket is at its connection limit (10000)","error_code":"overloaded"}""",
            IpcCodec.EncodeResponse(IpcErrors.Overloaded("runtime", 10000)));
    }

    [Fact]
    public void Errors_should_word_shutting_down_exactly()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r6","payload_json":"{}","ok":false,"error":"server is shutting down","error_code":"shutting_down"}""",
            IpcCodec.EncodeResponse(IpcErrors.ShuttingDown("r6")));
    }

    [Fact]
    public void Encoder_should_escape_quotes_backslashes_and_control_characters()
    {
        var bytes = IpcCodec.EncodeResponse(
            IpcErrors.InvalidEnvelope("a\"b\\c\nd\0e\tf\rg\u001fh\bi\fj", "r\n\"1\0"));

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"error","run_id":"r\n\"1\u0000","payload_json":"{}","ok":false,"error":"invalid ipc envelope: a\"b\\c\nd\u0000e\tf\rg\u001fh\bi\fj","error_code":"invalid_envelope"}""",
            bytes);
    }

    [Fact]
    public void Encoder_should_keep_every_response_on_one_line_whatever_its_text_holds()
    {
        var everyControl = new string(Enumerable.Range(0, 0x20).Select(c => (char)c).ToArray()) + "\u007f\u0085\u2028\u2029";

        var bytes = IpcCodec.EncodeResponse(
            new IpcResponse(everyControl, everyControl, everyControl, false, everyControl, everyControl));

        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.DoesNotContain(bytes[..^1], b => b < 0x20);
        Assert.Equal(
            new IpcResponse(everyControl, everyControl, everyControl, false, everyControl, everyControl),
            IpcCodec.DecodeResponse(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Fact]
    public void Encoder_should_write_non_ascii_text_as_raw_utf8()
    {
        var bytes = IpcCodec.EncodeResponse(IpcErrors.HandlerFailed("caf\u00e9.\u2713", "r\u00fc-\U0001F600"));

        AssertLine(
            "{\"schema_version\":\"opsclaw.ipc.v1alpha1\",\"message_type\":\"error\",\"run_id\":\"r\u00fc-\U0001F600\",\"payload_json\":\"{}\",\"ok\":false,\"error\":\"handler for 'caf\u00e9.\u2713' failed\",\"error_code\":\"handler_failed\"}",
            bytes);
    }

    [Theory]
    [InlineData("runtime.ping", "r1", "{}")]
    [InlineData("runtime.ping", null, "{}")]
    [InlineData("runtime.forward", "", "{\"a\": [1, 2], \"b\": \"\\u0000\"}")]
    [InlineData("caf\u00e9.\U0001F600", "r\"\\\n", "  [1 ,\n 2]  ")]
    [InlineData("m", "2024-01-01T00:00:00Z", "\"2024-01-01T00:00:00Z\"")]
    [InlineData("m", "r", "123456789012345678901234567890.5e-3")]
    public void Codec_should_decode_an_encoded_request_to_the_same_request(string messageType, string? runId, string payloadJson)
    {
        var request = new IpcRequest(messageType, runId, payloadJson);

        var bytes = IpcCodec.EncodeRequest(request);
        var result = new IpcCodec().DecodeRequest(bytes.AsSpan(0, bytes.Length - 1));

        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.Null(result.Error);
        Assert.Equal(request, result.Request);
    }

    [Fact]
    public void Encoder_should_write_a_request_compactly_and_leave_out_a_null_run_id()
    {
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.ping","run_id":"r1","payload_json":"{}"}""",
            IpcCodec.EncodeRequest(new IpcRequest("runtime.ping", "r1", "{}")));
        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.ping","payload_json":"{\"a\":1}"}""",
            IpcCodec.EncodeRequest(new IpcRequest("runtime.ping", null, "{\"a\":1}")));
    }

    [Fact]
    public void Codec_should_reject_a_request_encoded_with_another_schema_version()
    {
        var bytes = IpcCodec.EncodeRequest(new IpcRequest("runtime.ping", "r7", "{}"), "opsclaw.ipc.v0");

        var result = new IpcCodec().DecodeRequest(bytes.AsSpan(0, bytes.Length - 1));

        Assert.Equal(
            IpcResponse.Failure(
                IpcErrors.InvalidSchemaVersionCode,
                "invalid schema_version 'opsclaw.ipc.v0', expected 'opsclaw.ipc.v1alpha1'",
                "r7"),
            result.Error);
    }

    public static TheoryData<string> ResponsesToRoundTrip => new()
    {
        nameof(IpcErrors.FrameTooLarge),
        nameof(IpcErrors.InvalidEnvelope),
        nameof(IpcErrors.Forbidden),
        "pong",
        "pong-without-run-id",
        "date-like",
        "control-characters",
        "non-ascii",
    };

    [Theory]
    [MemberData(nameof(ResponsesToRoundTrip))]
    public void Codec_should_decode_an_encoded_response_to_an_equal_response(string name)
    {
        var response = name switch
        {
            nameof(IpcErrors.FrameTooLarge) => IpcErrors.FrameTooLarge(1048576),
            nameof(IpcErrors.InvalidEnvelope) => IpcErrors.InvalidEnvelope("field 'run_id' must be a string or null", "r9"),
            nameof(IpcErrors.Forbidden) => IpcErrors.Forbidden(0, "control"),
            "pong" => IpcResponse.Success(MessageTypes.RuntimePong, "r1", ChannelPayloads.Pong),
            "pong-without-run-id" => IpcResponse.Success(MessageTypes.RuntimePong, null, ChannelPayloads.Pong),
            "date-like" => IpcResponse.Success("m", "2024-01-01T00:00:00Z", "{\"at\":\"2024-01-01T00:00:00+02:00\"}"),
            "control-characters" => IpcErrors.InvalidEnvelope("a\"b\\c\nd\0e", "r\n\0"),
            _ => IpcErrors.HandlerFailed("caf\u00e9.\U0001F600", "r\u00fc"),
        };

        var bytes = IpcCodec.EncodeResponse(response);

        Assert.Equal(response, IpcCodec.DecodeResponse(bytes.AsSpan(0, bytes.Length - 1)));
    }

    /// <summary>By index: xUnit names cases by their serialized text, which hides control characters.</summary>
    private static readonly IpcResponse[] ResponsesToMeasure =
    [
        IpcResponse.Success(MessageTypes.RuntimePong, "r1", ChannelPayloads.Pong),
        IpcResponse.Success(MessageTypes.RuntimePong, new string('\u007f', 100_000), ChannelPayloads.Pong),
        IpcResponse.Success("m", new string('\u009b', 5_000) + "\U0001F600" + new string('\u0001', 5_000), "{\"a\":\"\\u2028\"}"),
        IpcErrors.InvalidEnvelope("a\"b\\c\nd\0e\u0085\u2029", "r\n\0"),
        IpcErrors.HandlerFailed("caf\u00e9." + new string('ü', 70_000), null),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Encoder_should_measure_a_reply_exactly_bound_it_from_above_and_write_it_into_a_buffer_unchanged(int index)
    {
        var response = ResponsesToMeasure[index];
        var bytes = IpcCodec.EncodeResponse(response);
        var buffer = new ArrayBufferWriter<byte>();

        EnvelopeEncoder.Encode(response, buffer);

        Assert.Equal(bytes.Length, EnvelopeEncoder.CountBytes(response));
        Assert.True(EnvelopeEncoder.MaxBytes(response) >= bytes.Length, $"bound {EnvelopeEncoder.MaxBytes(response)} < {bytes.Length}");
        Assert.Equal(bytes, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Compares the encoder's bytes with <paramref name="expectedLine"/> in UTF-8 plus the terminating <c>\n</c>.</summary>
    private static void AssertLine(string expectedLine, byte[] actual)
    {
        // Comparing as text first gives a readable diff; the byte comparison is the actual contract.
        Assert.Equal(expectedLine + "\n", Encoding.UTF8.GetString(actual));
        Assert.Equal(Encoding.UTF8.GetBytes(expectedLine + "\n"), actual);
    }
}
