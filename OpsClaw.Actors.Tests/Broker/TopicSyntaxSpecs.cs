using OpsClaw.Actors.Broker;

namespace OpsClaw.Actors.Tests.Broker;

/// <summary>Topics, patterns, group names and keys: what is accepted, and the exact text of each refusal.</summary>
public sealed class TopicSyntaxSpecs
{
    [Theory]
    [InlineData("runs")]
    [InlineData("runs.r42")]
    [InlineData("alerts.disk-full")]
    [InlineData("A.z.0.9._.-")]
    [InlineData("snake_case.kebab-case.MiXeD09")]
    public void A_topic_of_valid_tokens_should_be_accepted(string topic)
    {
        Assert.Null(TopicSyntax.CheckTopic(topic));
        Assert.Null(TopicSyntax.CheckPattern(topic));
    }

    [Fact]
    public void A_topic_of_exactly_255_bytes_should_be_accepted_and_256_refused()
    {
        var longest = new string('a', 127) + "." + new string('b', 127);
        Assert.Equal(255, longest.Length);

        Assert.Null(TopicSyntax.CheckTopic(longest));
        Assert.Null(TopicSyntax.CheckPattern(longest));
        Assert.Equal("field 'topic' is 256 bytes; a topic is at most 255 bytes", TopicSyntax.CheckTopic(longest + "e"));
        Assert.Equal("field 'topic' is 256 bytes; a pattern is at most 255 bytes", TopicSyntax.CheckPattern(longest + "e"));
    }

    [Fact]
    public void Length_should_be_counted_in_utf8_bytes_and_checked_before_the_characters()
    {
        // 128 'é' are 128 characters but 256 bytes: refused for its length, and the value is not echoed.
        var topic = new string('é', 128);

        Assert.Equal("field 'topic' is 256 bytes; a topic is at most 255 bytes", TopicSyntax.CheckTopic(topic));
    }

    [Fact]
    public void An_empty_topic_should_be_refused()
    {
        Assert.Equal("field 'topic' is empty; a topic is 1 to 255 bytes", TopicSyntax.CheckTopic(""));
        Assert.Equal("field 'topic' is empty; a pattern is 1 to 255 bytes", TopicSyntax.CheckPattern(""));
    }

    [Theory]
    [InlineData(".runs", 1)]
    [InlineData("runs.", 2)]
    [InlineData("runs..r42", 2)]
    [InlineData("a.b.c..", 4)]
    [InlineData(".", 1)]
    public void An_empty_token_should_be_refused_naming_its_position(string topic, int token)
    {
        var expected = $"field 'topic' has an empty token (token {token} of '{topic}'); tokens are separated by single dots, with none at either end";

        Assert.Equal(expected, TopicSyntax.CheckTopic(topic));
        Assert.Equal(expected, TopicSyntax.CheckPattern(topic));
    }

    [Theory]
    [InlineData("runs.r$42", "token 2 ('r$42') holds '$'")]
    [InlineData("runs r42", "token 1 ('runs r42') holds U+0020")]
    [InlineData("runs.r\u000742", "token 2 ('r\u000742') holds U+0007")]
    [InlineData("métriques", "token 1 ('métriques') holds U+00E9")]
    [InlineData("a.b.emoji😀", "token 3 ('emoji😀') holds U+1F600")]
    [InlineData("a/b", "token 1 ('a/b') holds '/'")]
    public void A_character_outside_the_token_set_should_be_refused_naming_token_and_character(string topic, string what)
    {
        var expected = $"field 'topic' {what}; a token holds only A-Z, a-z, 0-9, '_' and '-'";

        Assert.Equal(expected, TopicSyntax.CheckTopic(topic));
        Assert.Equal(expected, TopicSyntax.CheckPattern(topic));
    }

    [Fact]
    public void A_lone_surrogate_should_be_named_by_its_code_unit()
    {
        Assert.Equal(
            "field 'topic' token 1 ('a\uD800') holds U+D800; a token holds only A-Z, a-z, 0-9, '_' and '-'",
            TopicSyntax.CheckTopic("a\uD800"));
    }

    [Theory]
    [InlineData("runs.*", 2, "*")]
    [InlineData(">", 1, ">")]
    [InlineData("runs.>", 2, ">")]
    [InlineData("*.status", 1, "*")]
    public void A_published_topic_should_name_no_wildcard(string topic, int token, string wildcard)
    {
        Assert.Equal(
            $"field 'topic' token {token} is the wildcard '{wildcard}'; a published topic names no wildcards (only subscription patterns do)",
            TopicSyntax.CheckTopic(topic));
    }

    [Theory]
    [InlineData("*")]
    [InlineData(">")]
    [InlineData("runs.*")]
    [InlineData("runs.>")]
    [InlineData("*.*.*")]
    [InlineData("*.status.>")]
    [InlineData("runs.*.status")]
    public void A_pattern_should_take_star_anywhere_and_tail_last(string pattern)
    {
        Assert.Null(TopicSyntax.CheckPattern(pattern));
        Assert.True(TopicPattern.TryParse(pattern, out var parsed, out var problem));
        Assert.Null(problem);
        Assert.True(parsed.HasWildcards);
        Assert.Equal(pattern.Split('.'), parsed.Tokens);
    }

    [Theory]
    [InlineData(">.runs", 1)]
    [InlineData("runs.>.status", 2)]
    [InlineData("a.>.>", 2)]
    public void A_tail_wildcard_should_be_refused_anywhere_but_last(string pattern, int token)
    {
        Assert.Equal(
            $"field 'topic' token {token} is '>', which may only be the last token of a pattern (it matches one or more tokens)",
            TopicSyntax.CheckPattern(pattern));
    }

    [Theory]
    [InlineData("runs.r*", "token 2 ('r*') holds '*'")]
    [InlineData("runs.**", "token 2 ('**') holds '*'")]
    [InlineData("runs.>>", "token 2 ('>>') holds '>'")]
    [InlineData("a>.b", "token 1 ('a>') holds '>'")]
    public void A_wildcard_inside_a_token_should_be_refused(string pattern, string what)
    {
        Assert.Equal($"field 'topic' {what}; a wildcard must be a whole token", TopicSyntax.CheckPattern(pattern));
    }

    [Fact]
    public void A_wildcard_inside_a_published_topic_token_should_be_an_ordinary_bad_character()
    {
        Assert.Equal(
            "field 'topic' token 2 ('r*') holds '*'; a token holds only A-Z, a-z, 0-9, '_' and '-'",
            TopicSyntax.CheckTopic("runs.r*"));
    }

    [Fact]
    public void The_first_problem_from_the_left_should_be_reported()
    {
        Assert.Equal(
            "field 'topic' token 1 ('a$') holds '$'; a token holds only A-Z, a-z, 0-9, '_' and '-'",
            TopicSyntax.CheckPattern("a$..>.b"));
    }

    [Fact]
    public void The_problem_should_name_the_field_it_was_given()
    {
        Assert.Equal("field 'pattern' is empty; a pattern is 1 to 255 bytes", TopicSyntax.CheckPattern("", "pattern"));
    }

    [Fact]
    public void A_literal_pattern_should_have_no_wildcards()
    {
        var pattern = TopicPattern.Parse("runs.r42");

        Assert.False(pattern.HasWildcards);
        Assert.Equal(["runs", "r42"], pattern.Tokens);
        Assert.Equal("runs.r42", pattern.ToString());
        Assert.Equal(TopicPattern.Parse("runs.r42"), pattern);
    }

    [Fact]
    public void Parse_should_refuse_an_invalid_pattern_with_the_same_text()
    {
        var thrown = Assert.Throws<ArgumentException>(() => TopicPattern.Parse("runs..x"));

        Assert.StartsWith("field 'topic' has an empty token (token 2 of 'runs..x')", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_name_should_be_1_to_255_bytes_of_any_text()
    {
        Assert.Null(NameLimits.CheckGroup("workers"));
        Assert.Null(NameLimits.CheckGroup("group with spaces, dots. and ünïcode"));
        Assert.Null(NameLimits.CheckGroup(new string('g', 255)));
        Assert.Equal("field 'group' is empty; a group name is 1 to 255 bytes", NameLimits.CheckGroup(""));
        Assert.Equal("field 'group' is 256 bytes; a group name is at most 255 bytes", NameLimits.CheckGroup(new string('g', 256)));
        Assert.Equal("field 'group' is 258 bytes; a group name is at most 255 bytes", NameLimits.CheckGroup(new string('ü', 129)));
    }

    [Fact]
    public void A_key_should_be_at_most_255_bytes_and_may_be_empty()
    {
        Assert.Null(NameLimits.CheckKey(""));
        Assert.Null(NameLimits.CheckKey("r42"));
        Assert.Null(NameLimits.CheckKey(new string('k', 255)));
        Assert.Null(NameLimits.CheckKey(new string('é', 127)));
        Assert.Equal("field 'key' is 256 bytes; a key is at most 255 bytes", NameLimits.CheckKey(new string('é', 128)));
        Assert.Equal("field 'key' is 256 bytes; a key is at most 255 bytes", NameLimits.CheckKey(new string('k', 256)));
    }
}
