using System.Text.RegularExpressions;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests;

/// <summary>The code shown in the docs is the code that is built and tested.</summary>
public sealed partial class DocsSpecs
{
    [Fact]
    public void Extending_guide_should_show_the_sample_channel_files_exactly()
    {
        var root = Repository.Root;
        var guide = File.ReadAllText(Path.Combine(root, "docs", "extending.md"));

        var shown = ShownFile().Matches(guide).ToDictionary(match => match.Groups["path"].Value, match => match.Groups["code"].Value);

        Assert.Equal(["samples/OpsClaw.Samples/EchoChannel.cs", "samples/OpsClaw.Samples/TallyActor.cs"], shown.Keys.Order());
        foreach (var (path, code) in shown)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(root, path)), code);
        }

        var lines = shown.Values.Sum(code => code.Count(c => c == '\n'));
        Assert.True(lines < 60, $"the sample is {lines} lines; the guide promises under 60");
    }

    [GeneratedRegex(@"<!-- file: (?<path>[^ ]+) -->\n```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShownFile();
}
