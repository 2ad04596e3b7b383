using Akka.Actor;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Protocol;
using OpsClaw.Samples;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// Typed handlers take a payload only when it fits the request type exactly (docs/extending.md, "Typed
/// payloads"): nothing is coerced between numbers and strings, no fraction goes into a whole number,
/// field names match in their exact case, and a field the type cannot leave empty must be there.
/// </summary>
public sealed class StrictPayloadSpecs : ChannelSpecBase
{
    private const string Int = "a whole number from -2147483648 to 2147483647";

    /// <summary>A payload every field of <see cref="Sample"/> accepts; each case changes one field of it.</summary>
    private static readonly JObject Valid = JObject.Parse("""
        {
          "Count": 2, "Big": 9000000000, "Small": 255, "Ratio": 0.5, "Flag": true, "Name": "n", "Note": null, "Maybe": null,
          "Letter": "x", "Colour": "Green", "Numbers": [1, 2], "Names": ["a"], "Scores": { "a": 1 },
          "Inner": { "Depth": 1, "Label": "l" }, "display_name": "d", "When": "2024-01-01T00:00:00Z"
        }
        """);

    [Theory]
    [InlineData("Count", "1.5", "field 'Count' must be " + Int)]
    [InlineData("Count", "\"10\"", "field 'Count' must be " + Int)]
    [InlineData("Count", "true", "field 'Count' must be " + Int)]
    [InlineData("Count", "null", "field 'Count' must not be null")]
    [InlineData("Count", null, "field 'Count' is required")]
    [InlineData("Small", "256", "field 'Small' must be a whole number from 0 to 255")]
    [InlineData("Small", "-1", "field 'Small' must be a whole number from 0 to 255")]
    [InlineData("Big", "9223372036854775808", "field 'Big' must be a whole number from -9223372036854775808 to 9223372036854775807")]
    [InlineData("Big", "1e30", "field 'Big' must be a whole number from -9223372036854775808 to 9223372036854775807")]
    [InlineData("Ratio", "\"0.5\"", "field 'Ratio' must be a number")]
    [InlineData("Ratio", null, "field 'Ratio' is required")]
    [InlineData("Flag", "\"true\"", "field 'Flag' must be true or false")]
    [InlineData("Flag", "1", "field 'Flag' must be true or false")]
    [InlineData("Name", "123", "field 'Name' must be a string")]
    [InlineData("Name", "false", "field 'Name' must be a string")]
    [InlineData("Name", "[\"n\"]", "field 'Name' must be a string")]
    [InlineData("Name", "null", "field 'Name' must not be null")]
    [InlineData("Name", null, "field 'Name' is required")]
    [InlineData("Note", "5", "field 'Note' must be a string")]
    [InlineData("Maybe", "\"3\"", "field 'Maybe' must be " + Int)]
    [InlineData("Letter", "\"xy\"", "field 'Letter' must be a string of one character")]
    [InlineData("Colour", "\"green\"", "field 'Colour' must be one of 'Red', 'Green'")]
    [InlineData("Colour", "7", "field 'Colour' must be one of 'Red', 'Green'")]
    [InlineData("Numbers", "[1, \"2\"]", "field 'Numbers[1]' must be " + Int)]
    [InlineData("Numbers", "[1, 2.5]", "field 'Numbers[1]' must be " + Int)]
    [InlineData("Numbers", "[null]", "field 'Numbers[0]' must not be null")]
    [InlineData("Numbers", "{\"0\": 1}", "field 'Numbers' must be an array")]
    [InlineData("Names", "[\"a\", null]", "field 'Names[1]' must not be null")]
    [InlineData("Names", "[7]", "field 'Names[0]' must be a string")]
    [InlineData("Scores", "{\"a\": \"1\"}", "field 'Scores.a' must be " + Int)]
    [InlineData("Inner", "{\"Depth\": \"1\", \"Label\": \"l\"}", "field 'Inner.Depth' must be " + Int)]
    [InlineData("Inner", "{\"depth\": 1, \"Label\": \"l\"}", "field 'Inner.depth' is unknown (field names are case-sensitive): did you mean 'Depth'?")]
    [InlineData("Inner", "{\"Depth\": 1}", "field 'Inner.Label' is required")]
    [InlineData("Inner", "\"deep\"", "field 'Inner' must be a JSON object")]
    [InlineData("display_name", null, "field 'display_name' is required")]
    [InlineData("When", "20240101", "field 'When' must be a string")]
    public async Task A_value_that_does_not_fit_exactly_should_be_invalid_payload_naming_the_field(string field, string? json, string problem)
    {
        var payload = (JObject)Valid.DeepClone();
        if (json is null)
        {
            payload.Remove(field);
        }
        else
        {
            payload[field] = JToken.Parse(json);
        }

        var response = await SendAsync(payload.ToString(Formatting.None));

        AssertError(response, "invalid_payload", "invalid payload for 'strict.echo': " + problem, "r");
    }

    [Fact]
    public async Task A_renamed_field_should_be_refused_under_its_dotnet_name_which_newtonsoft_would_bind()
    {
        var payload = (JObject)Valid.DeepClone();
        payload["DisplayName"] = "not the JSON name";

        var response = await SendAsync(payload.ToString(Formatting.None));

        AssertError(response, "invalid_payload", "invalid payload for 'strict.echo': field 'DisplayName' is unknown: the field is named 'display_name'", "r");
    }

    [Theory]
    [InlineData("count", "Count")]
    [InlineData("NAME", "Name")]
    [InlineData("Display_Name", "display_name")]
    public async Task A_field_name_in_another_case_should_be_refused_with_the_name_it_should_have(string given, string exact)
    {
        var payload = (JObject)Valid.DeepClone();
        payload[given] = payload[exact]!.DeepClone();
        payload.Remove(exact);

        var response = await SendAsync(payload.ToString(Formatting.None));

        AssertError(
            response,
            "invalid_payload",
            $"invalid payload for 'strict.echo': field '{given}' is unknown (field names are case-sensitive): did you mean '{exact}'?",
            "r");
    }

    [Fact]
    public async Task A_payload_that_fits_should_bind_every_field_exactly()
    {
        var payload = (JObject)Valid.DeepClone();
        payload["Count"] = JToken.Parse("2.0");
        payload["Ratio"] = 1;
        payload["Colour"] = 0;
        payload["Named"] = "green";
        payload["Unknown"] = "ignored";

        var response = await SendAsync(payload.ToString(Formatting.None));

        Assert.True(response.Ok, response.Error);
        var bound = JObject.Parse(response.PayloadJson);
        Assert.Equal(2, (int)bound["Count"]!);
        Assert.Equal(1.0, (double)bound["Ratio"]!);
        Assert.Equal((int)Colour.Red, (int)bound["Colour"]!);
        Assert.Equal("Green", (string?)bound["Named"]);
        Assert.Equal("d", (string?)bound["display_name"]);
        Assert.Equal(3, (int)bound["Retries"]!);
        Assert.Equal(JTokenType.Null, bound["Note"]!.Type);
        Assert.Equal("l", (string?)bound["Inner"]!["Label"]);
    }

    [Fact]
    public async Task Optional_fields_should_be_those_that_may_be_null_have_a_default_or_say_so()
    {
        var payload = (JObject)Valid.DeepClone();
        payload.Remove("Note");
        payload.Remove("Maybe");
        payload["Retries"] = 5;

        var response = await SendAsync(payload.ToString(Formatting.None));

        Assert.True(response.Ok, response.Error);
        Assert.Equal(5, (int)JObject.Parse(response.PayloadJson)["Retries"]!);
    }

    [Theory]
    [InlineData("echo.sleep", "{\"Ms\":1.5}", "field 'Ms' must be " + Int)]
    [InlineData("echo.sleep", "{\"Ms\":\"10\"}", "field 'Ms' must be " + Int)]
    [InlineData("echo.sleep", "{}", "field 'Ms' is required")]
    [InlineData("echo.sleep", "{\"Ms\":3000000000}", "field 'Ms' must be " + Int)]
    [InlineData("echo.sleep", "{\"Ms\":null}", "field 'Ms' must not be null")]
    [InlineData("echo.sleep", "{\"ms\":10}", "field 'ms' is unknown (field names are case-sensitive): did you mean 'Ms'?")]
    [InlineData("echo.say", "{\"Text\":123}", "field 'Text' must be a string")]
    [InlineData("echo.say", "{\"text\":\"hi\"}", "field 'text' is unknown (field names are case-sensitive): did you mean 'Text'?")]
    public async Task The_echo_sample_should_refuse_what_it_used_to_coerce(string messageType, string payload, string problem)
    {
        var echo = Sys.ActorOf(Props.Create<EchoChannel>(), "echo");

        var response = await ExpectReplyAsync(Ask(echo, messageType, "e", payload));

        AssertError(response, "invalid_payload", $"invalid payload for '{messageType}': {problem}", "e");
    }

    [Fact]
    public async Task The_echo_sample_should_take_a_whole_number_written_with_a_fraction_of_zero()
    {
        var echo = Sys.ActorOf(Props.Create<EchoChannel>(), "echo");

        var response = await ExpectReplyAsync(Ask(echo, "echo.sleep", "z", "{\"Ms\":0.0}"));

        AssertSuccess(response, "echo.sleep.ok", "z", "{\"Slept\":0}");
    }

    [Fact]
    public void A_request_type_should_be_examined_once_and_its_shape_kept()
    {
        var resolver = JsonSerializer.Create(IpcJson.Settings).ContractResolver;

        Assert.Same(PayloadShapes.For(typeof(Sample), resolver), PayloadShapes.For(typeof(Sample), resolver));
    }

    [Fact]
    public async Task A_type_that_contains_itself_should_be_checked_at_every_depth()
    {
        var channel = Sys.ActorOf(Props.Create(() => new StrictChannel()));

        var good = await ExpectReplyAsync(Ask(channel, "strict.tree", "t", "{\"Value\":1,\"Children\":[{\"Value\":2,\"Children\":[]}]}"));
        var bad = await ExpectReplyAsync(Ask(channel, "strict.tree", "b", "{\"Value\":1,\"Children\":[{\"Value\":2,\"Children\":[{\"Value\":\"3\",\"Children\":[]}]}]}"));

        Assert.Equal("2", good.PayloadJson);
        AssertError(bad, "invalid_payload", "invalid payload for 'strict.tree': field 'Children[0].Children[0].Value' must be " + Int, "b");
    }

    private async Task<IpcResponse> SendAsync(string payload)
    {
        var channel = Sys.ActorOf(Props.Create(() => new StrictChannel()));
        return await ExpectReplyAsync(Ask(channel, "strict.echo", "r", payload));
    }

    public enum Colour
    {
        Red,
        Green,
    }

    private sealed record Inner(int Depth, string Label);

    private sealed record Tree(int Value, List<Tree> Children);

    private sealed record Sample(
        int Count,
        long Big,
        byte Small,
        double Ratio,
        bool Flag,
        string Name,
        string? Note,
        int? Maybe,
        char Letter,
        Colour Colour,
        List<int> Numbers,
        List<string> Names,
        Dictionary<string, int> Scores,
        Inner Inner,
        [property: JsonProperty("display_name")] string DisplayName,
        DateTimeOffset When,
        [property: JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] Colour? Named = null,
        int Retries = 3);

    private sealed class StrictChannel : ChannelActor
    {
        public StrictChannel()
            : base("strict")
        {
            Handle<Sample, Sample>("strict.echo", "strict.echo.ok", sample => sample);
            Handle<Tree, int>("strict.tree", "strict.tree.ok", tree => Count(tree));
        }

        private static int Count(Tree tree) => 1 + tree.Children.Sum(Count);
    }
}
