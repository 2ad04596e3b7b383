using Akka.Configuration;

namespace OpsClaw.Actors.Tests.Settings;

/// <summary>
/// The structural check of a config file's text (<see cref="HoconSyntax"/>): what Akka's parser
/// accepts silently from a file cut short or with a brace too many.
/// </summary>
public sealed class HoconSyntaxSpecs
{
    private const string Source = "/etc/opsclaw/opsclaw.conf";

    [Theory]
    [InlineData("opsclaw.ipc {\n  max-line-bytes = 10\n", "line 1: the '{' opened here is never closed (is the file cut short?)")]
    [InlineData("opsclaw.ipc {\n  channels {\n    runtime { allow-any-uid = off }\n", "line 2: the '{' opened here is never closed (is the file cut short?)")]
    [InlineData("opsclaw.ipc {\n  channels.runtime.allowed-uids = [1001,\n", "line 2: the '[' opened here is never closed (is the file cut short?)")]
    [InlineData("opsclaw.ipc.socket-dir = \"/run/ops", "line 1: a quoted string is not closed on its line")]
    [InlineData("opsclaw.ipc.socket-dir = \"/run/ops\nopsclaw.ipc.max-line-bytes = 5\n", "line 1: a quoted string is not closed on its line")]
    [InlineData("a = \"\"\"never\nclosed", "line 1: a \"\"\" string opened here is never closed (is the file cut short?)")]
    [InlineData("opsclaw.ipc.max-line-bytes =", "line 1: a key's '=' (or ':') is not followed by a value (is the file cut short?)")]
    [InlineData("opsclaw.ipc {\n  max-line-bytes =\n}\n", "line 2: a key's '=' (or ':') is not followed by a value")]
    [InlineData("opsclaw.ipc.max-line-bytes = 5 }\nopsclaw.ipc.max-connections = 1\n", "line 1: '}' closes nothing (everything after it would be ignored)")]
    [InlineData("a = [1, 2}\n", "line 1: '}' cannot close the '[' opened on line 1")]
    [InlineData("a { b = 1 ]\n", "line 1: ']' cannot close the '{' opened on line 1")]
    [InlineData("a = ${b\n", "line 1: the '${' opened here is never closed (is the file cut short?)")]
    public void A_text_cut_short_or_unbalanced_should_be_a_problem_naming_the_file_and_line(string text, string problem)
    {
        Assert.Equal([$"{Source}: {problem}"], HoconSyntax.Problems(text, Source));
    }

    [Fact]
    public void The_embedded_defaults_should_have_no_structural_problem()
    {
        Assert.Empty(HoconSyntax.Problems(IpcDefaults.Text, "opsclaw.conf"));
    }

    [Fact]
    public void Braces_and_quotes_in_comments_and_strings_should_not_count()
    {
        const string text = """"
            # a comment with { and " in it
            // another with [ and }
            b = 1
            opsclaw.ipc {
              socket-dir = "/run/{odd}/\"quoted\"/dir"   # trailing { comment
              request-timeout = 30 s
              max-line-bytes = ${b}
              channels."my.channel" { allowed-uids = [1, 2], socket-mode = "0600" }
              note = """a triple-quoted
                { text } over lines"""
            }
            """";

        Assert.Empty(HoconSyntax.Problems(text, Source));
        Assert.Equal("/run/{odd}/\"quoted\"/dir", ConfigurationFactory.ParseString(text).GetString("opsclaw.ipc.socket-dir"));
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_ends_should_be_taken_as_text()
    {
        Assert.Empty(HoconSyntax.Problems("\uFEFFopsclaw.ipc {\r\n  max-line-bytes = 10\r\n}\r\n", Source));
    }
}
