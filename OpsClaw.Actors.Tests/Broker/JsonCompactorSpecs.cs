using System.Text;
using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>A published body is made compact once: whitespace between tokens goes, every token stays exactly as written.</summary>
public sealed class JsonCompactorSpecs
{
    [Theory]
    [InlineData("""{"a":1}""", """{"a":1}""")]
    [InlineData("{ \"a\" : 1 ,\n\t\"b\" :\r\n [ 1 , 2 ] }", """{"a":1,"b":[1,2]}""")]
    [InlineData("""[ 1.50 , 1e400 , -0 , 0.1E-5 , 12345678901234567890123 ]""", """[1.50,1e400,-0,0.1E-5,12345678901234567890123]""")]
    [InlineData("""{ "k" : "a\" b  c" }""", """{"k":"a\" b  c"}""")]
    [InlineData("""[ "\\" , "x" ]""", """["\\","x"]""")]
    [InlineData("""[ "\\\" ]" , 1 ]""", """["\\\" ]",1]""")]
    [InlineData("""{ "é" : "\u00e9 \/ é" }""", """{"é":"\u00e9 \/ é"}""")]
    [InlineData(""" "just a string with  spaces" """, """ "just a string with  spaces" """)]
    [InlineData("  null  ", "null")]
    [InlineData(" true", "true")]
    [InlineData("{ }", "{}")]
    [InlineData("[ [ [ ] ] ]", "[[[]]]")]
    public void Compact_should_drop_whitespace_between_tokens_and_keep_every_token_as_written(string json, string expected)
    {
        Assert.Equal(expected.Trim(), JsonCompactor.Compact(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Compact_should_keep_text_outside_the_basic_plane_byte_for_byte()
    {
        const string json = "{ \"emoji\" : \"😀 ✓\" , \"escaped\" : \"\\ud83d\\ude00\" }";

        Assert.Equal("{\"emoji\":\"😀 ✓\",\"escaped\":\"\\ud83d\\ude00\"}", JsonCompactor.Compact(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Compact_should_handle_a_body_larger_than_a_pooled_buffer()
    {
        var items = string.Join(" , ", Enumerable.Range(0, 20_000).Select(i => $"\"item {i}\""));

        var compact = JsonCompactor.Compact(Encoding.UTF8.GetBytes("[ " + items + " ]"));

        Assert.Equal("[" + items.Replace(" , ", ",", StringComparison.Ordinal) + "]", compact);
    }
}
