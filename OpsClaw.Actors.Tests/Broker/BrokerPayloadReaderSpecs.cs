using OpsClaw.Actors.Broker;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>The broker's request payloads: typed values with their defaults, and the exact <c>invalid_payload</c> text of each refusal.</summary>
public sealed class BrokerPayloadReaderSpecs
{
    private readonly BrokerPayloadReader _reader = new();

    [Fact]
    public void Publish_should_read_topic_body_and_key_and_keep_the_body_compact()
    {
        var read = _reader.ReadPublish("""{ "topic" : "runs.r42", "body" : { "status" : "done", "n" : 1.50 }, "key" : "r42" }""");

        Assert.True(read.IsValid);
        Assert.Equal(("runs.r42", """{"status":"done","n":1.50}""", "r42"), (read.Value!.Topic, read.Value.Body, read.Value.Key));
    }

    [Theory]
    [InlineData("""{"topic":"a","body":null}""", "null")]
    [InlineData("""{"topic":"a","body":"text"}""", "\"text\"")]
    [InlineData("""{"topic":"a","body":-1e-7}""", "-1e-7")]
    [InlineData("""{"topic":"a","body":[ ]}""", "[]")]
    [InlineData("""{"topic":"a","body":false}""", "false")]
    [InlineData("""{"topic":"a","body":"\u00e9\ud83d\ude00"}""", "\"\\u00e9\\ud83d\\ude00\"")]
    public void Publish_should_take_any_json_body_null_included(string payload, string body)
    {
        Assert.Equal(body, _reader.ReadPublish(payload).Value!.Body);
    }

    [Theory]
    [InlineData("""{"topic":"a","body":1}""")]
    [InlineData("""{"topic":"a","body":1,"key":null}""")]
    public void Publish_without_a_key_or_with_a_null_key_should_have_no_key(string payload)
    {
        Assert.Null(_reader.ReadPublish(payload).Value!.Key);
    }

    /// <summary>The reader skips checking a topic it found valid last time; every other topic is still checked.</summary>
    [Fact]
    public void Publishes_repeating_and_changing_topics_should_each_be_checked_as_written()
    {
        Assert.True(_reader.ReadPublish("""{"topic":"runs.a","body":1}""").IsValid);
        Assert.Equal("runs.a", _reader.ReadPublish("""{"topic":"runs.a","body":2}""").Value!.Topic);
        Assert.False(_reader.ReadPublish("""{"topic":"runs.*","body":1}""").IsValid);
        Assert.False(_reader.ReadPublish("""{"topic":"runs.*","body":1}""").IsValid);
        Assert.True(_reader.ReadPublish("""{"topic":"runs.a","body":1}""").IsValid);
        Assert.False(_reader.ReadPublish("""{"topic":"runs..a","body":1}""").IsValid);
        Assert.Equal("runs.b", _reader.ReadPublish("""{"topic":"runs.b","body":1}""").Value!.Topic);
    }

    [Fact]
    public void Publish_should_turn_into_a_message_carrying_the_run_id_and_the_key_hash()
    {
        var message = _reader.ReadPublish("""{"topic":"a.b","body":{},"key":"k1"}""").Value!.ToMessage("r1");

        Assert.Equal(("a.b", "{}", "k1", "r1"), (message.Topic, message.Body, message.Key, message.RunId));
        Assert.Equal(StableHash.OfText("k1"), message.KeyHash);
        Assert.Null(_reader.ReadPublish("""{"topic":"a","body":1}""").Value!.ToMessage(null).KeyHash);
    }

    [Theory]
    [InlineData("""{"body":1}""", "field 'topic' is required")]
    [InlineData("""{"topic":null,"body":1}""", "field 'topic' must be a string, got null")]
    [InlineData("""{"topic":42,"body":1}""", "field 'topic' must be a string, got 42")]
    [InlineData("""{"topic":["a"],"body":1}""", "field 'topic' must be a string, got an array")]
    [InlineData("""{"topic":"runs.*","body":1}""", "field 'topic' token 2 is the wildcard '*'; a published topic names no wildcards (only subscription patterns do)")]
    [InlineData("""{"topic":"runs..x","body":1}""", "field 'topic' has an empty token (token 2 of 'runs..x'); tokens are separated by single dots, with none at either end")]
    [InlineData("""{"topic":"a"}""", "field 'body' is required")]
    [InlineData("""{"topic":"a","body":1,"body":2}""", "field 'body' appears more than once")]
    [InlineData("""{"topic":"a","topic":"b","body":1}""", "field 'topic' appears more than once")]
    [InlineData("""{"topic":"a","body":1,"key":5}""", "field 'key' must be a string or null, got 5")]
    [InlineData("""{"topic":"a","body":1,"key":{}}""", "field 'key' must be a string or null, got an object")]
    [InlineData("""{"topic":"a","body":1,"key":"\ud800"}""", "field 'key' is not valid Unicode text (it escapes a lone surrogate)")]
    [InlineData("""[{"topic":"a","body":1}]""", "expected a JSON object, got an array")]
    [InlineData("\"topic\"", "expected a JSON object, got a string")]
    [InlineData("null", "expected a JSON object, got null")]
    [InlineData("7", "expected a JSON object, got a number")]
    public void Publish_should_refuse_a_payload_that_does_not_fit_naming_the_field(string payload, string problem)
    {
        var read = _reader.ReadPublish(payload);

        Assert.False(read.IsValid);
        Assert.Null(read.Value);
        Assert.Equal(problem, read.Problem);
    }

    [Fact]
    public void Publish_should_refuse_a_key_over_255_bytes()
    {
        var key = new string('k', 256);

        Assert.Equal("field 'key' is 256 bytes; a key is at most 255 bytes", _reader.ReadPublish($$"""{"topic":"a","body":1,"key":"{{key}}"}""").Problem);
        Assert.True(_reader.ReadPublish($$"""{"topic":"a","body":1,"key":"{{key[1..]}}"}""").IsValid);
    }

    /// <summary>Problems are reported in the order the fields are listed (topic, body, key), whatever order the client wrote them in.</summary>
    [Theory]
    [InlineData("""{"key":5,"body":1,"topic":"a.*"}""", "field 'topic' token 2 is the wildcard '*'; a published topic names no wildcards (only subscription patterns do)")]
    [InlineData("""{"key":5,"topic":"a"}""", "field 'body' is required")]
    [InlineData("""{"key":5,"body":1,"body":2}""", "field 'topic' is required")]
    public void Publish_should_report_the_first_problem_in_field_order(string payload, string problem)
    {
        Assert.Equal(problem, _reader.ReadPublish(payload).Problem);
    }

    [Fact]
    public void Unknown_and_nested_fields_should_be_ignored_and_escaped_names_recognised()
    {
        var read = _reader.ReadPublish("""{"extra":{"topic":"nested.one","key":1},"\u0074opic":"runs.\u0072","list":[{"body":0}],"body":{"k":[1]},"\ud800":1}""");

        Assert.Equal(("runs.r", """{"k":[1]}""", (string?)null), (read.Value!.Topic, read.Value.Body, read.Value.Key));
    }

    [Fact]
    public void The_problem_should_become_the_invalid_payload_reply_for_the_message_type()
    {
        var read = _reader.ReadPublish("""{"topic":"a"}""");

        Assert.Equal(
            IpcResponse.Failure("invalid_payload", "invalid payload for 'runtime.publish': field 'body' is required", "r5"),
            read.Reject(MessageTypes.RuntimePublish, "r5"));
        Assert.Throws<InvalidOperationException>(() => _reader.ReadPublish("""{"topic":"a","body":1}""").Reject(MessageTypes.RuntimePublish, null));
    }

    [Fact]
    public void A_body_may_nest_as_deep_as_the_reader_allows()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var payload = $$"""{"topic":"a","body":{{deep}}}""";

        Assert.Equal(deep, new BrokerPayloadReader(maxJsonDepth: 128).ReadPublish(payload).Value!.Body);
        Assert.StartsWith("payload is not valid JSON: ", _reader.ReadPublish(payload).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"topic\":")]
    [InlineData("{'topic':'a'}")]
    public void A_payload_that_is_not_json_should_be_refused_without_throwing(string payload)
    {
        Assert.StartsWith("payload is not valid JSON: ", _reader.ReadPublish(payload).Problem, StringComparison.Ordinal);
        Assert.StartsWith("payload is not valid JSON: ", _reader.ReadSubscribe(payload).Problem, StringComparison.Ordinal);
        Assert.StartsWith("payload is not valid JSON: ", _reader.ReadForward(payload, null).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Subscribe_should_default_to_no_group_no_acks_and_1000_pending()
    {
        var read = _reader.ReadSubscribe("""{"topic":"runs.*"}""");

        Assert.Equal(new SubscribeRequest(TopicPattern.Parse("runs.*"), null, AckMode.None, 1000), read.Value);
    }

    [Fact]
    public void Subscribe_should_read_every_field()
    {
        var read = _reader.ReadSubscribe("""{"topic":"runs.>","group":"workers","ack":"explicit","max_pending":5}""");

        Assert.Equal(new SubscribeRequest(TopicPattern.Parse("runs.>"), "workers", AckMode.Explicit, 5), read.Value);
    }

    [Fact]
    public void Subscribe_should_take_optional_fields_given_as_null_as_absent()
    {
        var read = _reader.ReadSubscribe("""{"topic":"a","group":null,"ack":null,"max_pending":null}""");

        Assert.Equal(new SubscribeRequest(TopicPattern.Parse("a"), null, AckMode.None, 1000), read.Value);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("65536", 65536)]
    [InlineData("10.0", 10)]
    [InlineData("1e3", 1000)]
    public void Subscribe_should_take_max_pending_from_1_to_65536(string maxPending, int expected)
    {
        Assert.Equal(expected, _reader.ReadSubscribe($$"""{"topic":"a","max_pending":{{maxPending}}}""").Value!.MaxPending);
    }

    [Theory]
    [InlineData("""{"group":"g"}""", "field 'topic' is required")]
    [InlineData("""{"topic":"runs.>.x"}""", "field 'topic' token 2 is '>', which may only be the last token of a pattern (it matches one or more tokens)")]
    [InlineData("""{"topic":"runs.r*"}""", "field 'topic' token 2 ('r*') holds '*'; a wildcard must be a whole token")]
    [InlineData("""{"topic":""}""", "field 'topic' is empty; a pattern is 1 to 255 bytes")]
    [InlineData("""{"topic":"a","group":""}""", "field 'group' is empty; a group name is 1 to 255 bytes")]
    [InlineData("""{"topic":"a","group":7}""", "field 'group' must be a string or null, got 7")]
    [InlineData("""{"topic":"a","ack":"always"}""", "field 'ack' must be 'none' or 'explicit', got 'always'")]
    [InlineData("""{"topic":"a","ack":"EXPLICIT"}""", "field 'ack' must be 'none' or 'explicit', got 'EXPLICIT'")]
    [InlineData("""{"topic":"a","ack":true}""", "field 'ack' must be a string or null, got true")]
    [InlineData("""{"topic":"a","max_pending":0}""", "field 'max_pending' must be a whole number from 1 to 65536, got 0")]
    [InlineData("""{"topic":"a","max_pending":65537}""", "field 'max_pending' must be a whole number from 1 to 65536, got 65537")]
    [InlineData("""{"topic":"a","max_pending":-5}""", "field 'max_pending' must be a whole number from 1 to 65536, got -5")]
    [InlineData("""{"topic":"a","max_pending":2.5}""", "field 'max_pending' must be a whole number from 1 to 65536, got 2.5")]
    [InlineData("""{"topic":"a","max_pending":"10"}""", "field 'max_pending' must be a whole number from 1 to 65536, got '10'")]
    [InlineData("""{"topic":"a","max_pending":1e400}""", "field 'max_pending' must be a whole number from 1 to 65536, got 1e400")]
    [InlineData("""{"topic":"a","max_pending":[]}""", "field 'max_pending' must be a whole number from 1 to 65536, got an array")]
    [InlineData("""{"topic":"a","max_pending":1,"max_pending":2}""", "field 'max_pending' appears more than once")]
    [InlineData("""{"max_pending":0,"ack":"x","group":"","topic":"a.>.b"}""", "field 'topic' token 2 is '>', which may only be the last token of a pattern (it matches one or more tokens)")]
    [InlineData("""{"max_pending":0,"ack":"x","group":"","topic":"a"}""", "field 'group' is empty; a group name is 1 to 255 bytes")]
    [InlineData("""{"max_pending":0,"ack":"x","topic":"a"}""", "field 'ack' must be 'none' or 'explicit', got 'x'")]
    public void Subscribe_should_refuse_a_payload_that_does_not_fit_naming_the_field(string payload, string problem)
    {
        Assert.Equal(problem, _reader.ReadSubscribe(payload).Problem);
    }

    [Fact]
    public void Long_values_should_be_described_rather_than_quoted()
    {
        var ack = new string('x', 65);
        var number = new string('9', 65);

        Assert.Equal("field 'ack' must be 'none' or 'explicit', got a longer string", _reader.ReadSubscribe($$"""{"topic":"a","ack":"{{ack}}"}""").Problem);
        Assert.Equal("field 'max_pending' must be a whole number from 1 to 65536, got a number", _reader.ReadSubscribe($$"""{"topic":"a","max_pending":{{number}}}""").Problem);
        Assert.Equal("field 'max_pending' must be a whole number from 1 to 65536, got a string", _reader.ReadSubscribe($$"""{"topic":"a","max_pending":"{{ack}}"}""").Problem);
    }

    [Fact]
    public void Subscribe_should_refuse_a_group_over_255_bytes()
    {
        Assert.Equal(
            "field 'group' is 256 bytes; a group name is at most 255 bytes",
            _reader.ReadSubscribe($$"""{"topic":"a","group":"{{new string('g', 256)}}"}""").Problem);
    }

    [Fact]
    public void Unsubscribe_should_read_the_subscription()
    {
        Assert.Equal(new UnsubscribeRequest("s1"), _reader.ReadUnsubscribe("""{"subscription":"s1","extra":0}""").Value);
    }

    [Theory]
    [InlineData("{}", "field 'subscription' is required")]
    [InlineData("""{"subscription":null}""", "field 'subscription' must be a string, got null")]
    [InlineData("""{"subscription":1}""", "field 'subscription' must be a string, got 1")]
    [InlineData("[]", "expected a JSON object, got an array")]
    public void Unsubscribe_should_refuse_a_payload_that_does_not_fit(string payload, string problem)
    {
        Assert.Equal(problem, _reader.ReadUnsubscribe(payload).Problem);
    }

    [Theory]
    [InlineData("""{"subscription":"s1","delivery":3}""", 3, false)]
    [InlineData("""{"subscription":"s1","up_to":9}""", 9, true)]
    [InlineData("""{"subscription":"s1","delivery":null,"up_to":9}""", 9, true)]
    [InlineData("""{"subscription":"s1","delivery":4,"up_to":null}""", 4, false)]
    [InlineData("""{"subscription":"s1","delivery":9223372036854775807}""", long.MaxValue, false)]
    public void Ack_should_read_one_delivery_or_up_to_a_number(string payload, long delivery, bool upTo)
    {
        Assert.Equal(new AckRequest("s1", delivery, upTo), _reader.ReadAck(payload).Value);
    }

    [Theory]
    [InlineData("""{"subscription":"s1"}""", "field 'delivery' or 'up_to' is required (one delivery, or every delivery up to a number)")]
    [InlineData("""{"subscription":"s1","delivery":null,"up_to":null}""", "field 'delivery' or 'up_to' is required (one delivery, or every delivery up to a number)")]
    [InlineData("""{"subscription":"s1","delivery":1,"up_to":2}""", "fields 'delivery' and 'up_to' exclude each other; give one")]
    [InlineData("""{"delivery":1}""", "field 'subscription' is required")]
    [InlineData("""{"subscription":"s1","delivery":0}""", "field 'delivery' must be a whole number from 1 to 9223372036854775807, got 0")]
    [InlineData("""{"subscription":"s1","up_to":-1}""", "field 'up_to' must be a whole number from 1 to 9223372036854775807, got -1")]
    [InlineData("""{"subscription":"s1","delivery":9223372036854775808}""", "field 'delivery' must be a whole number from 1 to 9223372036854775807, got 9223372036854775808")]
    [InlineData("""{"subscription":"s1","delivery":"3"}""", "field 'delivery' must be a whole number from 1 to 9223372036854775807, got '3'")]
    [InlineData("""{"subscription":"s1","delivery":1,"delivery":1}""", "field 'delivery' appears more than once")]
    public void Ack_should_refuse_a_payload_that_does_not_fit(string payload, string problem)
    {
        Assert.Equal(problem, _reader.ReadAck(payload).Problem);
    }

    [Fact]
    public void Nack_should_read_subscription_and_delivery()
    {
        Assert.Equal(new NackRequest("s2", 17), _reader.ReadNack("""{"delivery":17,"subscription":"s2"}""").Value);
    }

    [Theory]
    [InlineData("""{"subscription":"s1"}""", "field 'delivery' is required")]
    [InlineData("""{"subscription":"s1","delivery":null}""", "field 'delivery' must be a whole number from 1 to 9223372036854775807, got null")]
    [InlineData("""{"subscription":"s1","up_to":3}""", "field 'delivery' is required")]
    [InlineData("""{"delivery":0}""", "field 'subscription' is required")]
    [InlineData("""{"subscription":"s1","delivery":1.5}""", "field 'delivery' must be a whole number from 1 to 9223372036854775807, got 1.5")]
    public void Nack_should_refuse_a_payload_that_does_not_fit(string payload, string problem)
    {
        Assert.Equal(problem, _reader.ReadNack(payload).Problem);
    }

    [Fact]
    public void Forward_should_publish_the_whole_payload_to_its_topic_keyed_by_run_id()
    {
        var message = _reader.ReadForward(" { \"job\" : \"build\" , \"args\" : [ 1 , 2 ] } ", "run-7").Value!;

        Assert.Equal(("runtime.forward", """{"job":"build","args":[1,2]}""", "run-7", "run-7"), (message.Topic, message.Body, message.Key, message.RunId));
        Assert.Equal(StableHash.OfText("run-7"), message.KeyHash);
    }

    [Fact]
    public void Forward_without_a_run_id_should_have_no_key_and_may_carry_any_json()
    {
        var message = _reader.ReadForward("null", null).Value!;

        Assert.Equal(("null", null, null), (message.Body, message.Key, message.RunId));
        Assert.Equal("\"x\"", _reader.ReadForward("\"x\"", "r").Value!.Body);
    }

    [Fact]
    public void Forward_should_key_by_a_run_id_of_any_length()
    {
        var runId = new string('r', 1000);

        Assert.Equal(runId, _reader.ReadForward("{}", runId).Value!.Key);
    }
}
