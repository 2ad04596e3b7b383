using System.Text;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>The pushed <c>runtime.message</c> line, byte for byte: seven envelope fields, payload fields in their fixed order.</summary>
public sealed class DeliveryEncoderSpecs
{
    [Fact]
    public void A_first_delivery_should_carry_the_publishers_run_id_and_the_five_fields_in_order()
    {
        var message = new PublishedMessage("runs.r42", """{"a":1}""", key: null, runId: "r7");

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.message","run_id":"r7","payload_json":"{\"subscription\":\"s1\",\"topic\":\"runs.r42\",\"delivery\":1,\"redelivered\":false,\"body\":{\"a\":1}}","ok":true,"error":null,"error_code":null}""",
            DeliveryEncoder.Response("s1", message, delivery: 1, redelivered: false));
    }

    [Fact]
    public void Key_and_dropped_should_follow_the_body_and_a_missing_run_id_should_be_null()
    {
        var message = new PublishedMessage("alerts.disk-full", "\"full\"", key: "host-1", runId: null);

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.message","run_id":null,"payload_json":"{\"subscription\":\"s2\",\"topic\":\"alerts.disk-full\",\"delivery\":42,\"redelivered\":true,\"body\":\"full\",\"key\":\"host-1\",\"dropped\":3}","ok":true,"error":null,"error_code":null}""",
            DeliveryEncoder.Response("s2", message, delivery: 42, redelivered: true, dropped: 3));
    }

    [Fact]
    public void An_empty_key_should_still_be_written_and_zero_dropped_left_out()
    {
        var message = new PublishedMessage("a", "null", key: "", runId: null);

        Assert.Equal(
            """{"subscription":"s","topic":"a","delivery":9223372036854775807,"redelivered":false,"body":null,"key":""}""",
            DeliveryEncoder.Payload("s", message, long.MaxValue, redelivered: false, dropped: 0));
    }

    /// <summary>From the publish request to the pushed line: the body keeps its escapes, digits and raw Unicode; the key is escaped once per level.</summary>
    [Fact]
    public void A_nested_unicode_body_should_reach_the_line_as_published_and_the_key_escaped()
    {
        const string publish = """
            { "topic" : "runs.r42" ,
              "body" : { "user" : { "name" : "Zoë ✓ 😀", "tags" : [ "a", "b\"c" ] }, "n" : [ 1.50, -0, 1e400, null, true ], "esc" : "\u00e9\n" } ,
              "key" : "k\"\\\t" }
            """;
        var request = new BrokerPayloadReader().ReadPublish(publish).Value!;

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.message","run_id":"pub-1","payload_json":"{\"subscription\":\"s3\",\"topic\":\"runs.r42\",\"delivery\":7,\"redelivered\":false,\"body\":{\"user\":{\"name\":\"Zoë ✓ 😀\",\"tags\":[\"a\",\"b\\\"c\"]},\"n\":[1.50,-0,1e400,null,true],\"esc\":\"\\u00e9\\n\"},\"key\":\"k\\\"\\\\\\t\"}","ok":true,"error":null,"error_code":null}""",
            DeliveryEncoder.Response("s3", request.ToMessage("pub-1"), delivery: 7, redelivered: false));
    }

    /// <summary>DEL and the C1 controls never reach a terminal raw (the line writer escapes them); line and paragraph separators are escaped by the payload writer.</summary>
    [Fact]
    public void Control_characters_in_a_key_should_be_escaped_and_read_back_unchanged()
    {
        const string key = "\u007f\u0085\u009b\u2028\u0001";
        var message = new PublishedMessage("a", "1", key, runId: null);

        var response = DeliveryEncoder.Response("s", message, delivery: 1, redelivered: false);
        var line = EnvelopeEncoder.Encode(response);

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.message","run_id":null,"payload_json":"{\"subscription\":\"s\",\"topic\":\"a\",\"delivery\":1,\"redelivered\":false,\"body\":1,\"key\":\"\u007f\\u0085\u009b\\u2028\\u0001\"}","ok":true,"error":null,"error_code":null}""",
            response);
        Assert.Equal(key, (string?)JObject.Parse(IpcCodec.DecodeResponse(line.AsSpan(..^1)).PayloadJson)["key"]);
    }

    [Fact]
    public void A_delivery_from_a_forward_should_carry_the_run_id_as_key_and_the_payload_as_body()
    {
        var message = new BrokerPayloadReader().ReadForward("""{ "job" : [ 1, 2 ] }""", "run-9").Value!;

        AssertLine(
            """{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.message","run_id":"run-9","payload_json":"{\"subscription\":\"s1\",\"topic\":\"runtime.forward\",\"delivery\":2,\"redelivered\":true,\"body\":{\"job\":[1,2]},\"key\":\"run-9\"}","ok":true,"error":null,"error_code":null}""",
            DeliveryEncoder.Response("s1", message, delivery: 2, redelivered: true));
    }

    [Fact]
    public void The_line_should_decode_back_to_the_same_payload_and_body()
    {
        var body = """{"deep":{"deeper":{"list":[{"x":"ü"},[],{}]}},"big":123456789012345678901234567890}""";
        var message = new PublishedMessage("runs.r1", body, "k", "r");

        var response = DeliveryEncoder.Response("s9", message, delivery: 3, redelivered: false, dropped: 12);
        var decoded = IpcCodec.DecodeResponse(EnvelopeEncoder.Encode(response).AsSpan(..^1));

        Assert.Equal(response, decoded);
        var payload = JObject.Parse(decoded.PayloadJson);
        Assert.Equal(["subscription", "topic", "delivery", "redelivered", "body", "key", "dropped"], payload.Properties().Select(property => property.Name));
        Assert.Contains("\"body\":" + body + ",", decoded.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivery_number_below_one_or_a_negative_drop_count_should_be_refused()
    {
        var message = new PublishedMessage("a", "1", null, null);

        Assert.Throws<ArgumentOutOfRangeException>(() => DeliveryEncoder.Payload("s", message, 0, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeliveryEncoder.Payload("s", message, 1, false, dropped: -1));
    }

    [Fact]
    public void A_huge_body_should_be_encoded_whole_and_the_next_payload_should_be_unaffected()
    {
        var body = "\"" + new string('x', 100_000) + "\"";

        var huge = DeliveryEncoder.Payload("s", new PublishedMessage("a", body, null, null), 1, false);
        var small = DeliveryEncoder.Payload("s", new PublishedMessage("a", "2", null, null), 2, false);

        Assert.EndsWith("\"body\":" + body + "}", huge, StringComparison.Ordinal);
        Assert.Equal("""{"subscription":"s","topic":"a","delivery":2,"redelivered":false,"body":2}""", small);
    }

    private static void AssertLine(string expected, IpcResponse response) =>
        Assert.Equal(expected + "\n", Encoding.UTF8.GetString(EnvelopeEncoder.Encode(response)));
}
