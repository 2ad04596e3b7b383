using System.Globalization;
using System.Text.RegularExpressions;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests;

/// <summary>
/// The code shown in the docs is the code that is built and tested, and what the repository cites
/// in its docs (sections of docs/protocol.md, headings of docs/api-reference.md, links between the
/// Markdown files) exists, so a renamed heading or a renumbered section fails here instead of
/// leaving citations that lead nowhere.
/// </summary>
public sealed partial class DocsSpecs
{
    /// <summary>Where the repository's text lives; build output, packages and test runs are not the repository's own words.</summary>
    private static readonly string[] TextExtensions = [".cs", ".md", ".ts", ".mjs", ".json", ".conf", ".sh"];

    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal)
    {
        "bin", "obj", "node_modules", ".git", "dist", "TestResults", ".opsclaw", "artifacts",
    };

    [Fact]
    public void Extending_guide_should_show_the_sample_channel_files_exactly()
    {
        var root = Repository.Root;
        var guide = File.ReadAllText(Path.Combine(root, "docs", "extending.md"));

        var shown = ShownFile().Matches(guide).ToDictionary(match => match.Groups["path"].Value, match => match.Groups["code"].Value);

        Assert.Equal(["samples/OpsClaw.Samples/EchoChannel.cs", "samples/OpsClaw.Samples/Program.cs", "samples/OpsClaw.Samples/TallyActor.cs"], shown.Keys.Order());
        foreach (var (path, code) in shown)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(root, path)), code);
        }

        var lines = shown.Where(file => !file.Key.EndsWith("/Program.cs", StringComparison.Ordinal)).Sum(file => file.Value.Count(c => c == '\n'));
        Assert.True(lines < 60, $"the channel is {lines} lines; the guide promises under 60");
    }

    /// <summary>
    /// Every "§" followed by a number, in any file, cites a section of docs/protocol.md: it is the only
    /// numbered document, so there is nothing else such a citation could mean.
    /// </summary>
    [Fact]
    public void Every_section_citation_should_name_a_section_of_the_protocol()
    {
        var root = Repository.Root;
        var protocol = Path.Combine(root, "docs", "protocol.md");
        var sections = ProtocolSection().Matches(File.ReadAllText(protocol)).Select(match => int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, sections.Count), sections);

        var citations = TextFiles(root)
            .SelectMany(file => SectionCitation().Matches(File.ReadAllText(file)).Select(match => (file, match.Value, Number: int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture))))
            .ToList();

        // A walk or a pattern that found nothing would pass vacuously; the repository cites far more than this.
        Assert.True(citations.Count > 40, $"only {citations.Count} section citations found");
        Assert.Empty(citations.Where(citation => !sections.Contains(citation.Number)).Select(citation => $"{Path.GetRelativePath(root, citation.file)}: {citation.Value}"));
    }

    /// <summary>Settings, the command line and the other references that are not the wire are cited by an api-reference.md heading in quotes.</summary>
    [Fact]
    public void Every_api_reference_citation_should_name_one_of_its_headings()
    {
        var root = Repository.Root;
        var headings = Headings(Path.Combine(root, "docs", "api-reference.md")).ToList();

        var citations = TextFiles(root)
            .SelectMany(file => ApiReferenceCitation().Matches(File.ReadAllText(file)).Select(match => (file, Name: match.Groups["name"].Value)))
            .ToList();

        Assert.True(citations.Count >= 5, $"only {citations.Count} api-reference citations found");

        // "Settings" cites the heading "Settings (HOCON, `opsclaw.ipc`)".
        Assert.Empty(citations
            .Where(citation => !headings.Any(heading => heading == citation.Name || heading.StartsWith(citation.Name + " (", StringComparison.Ordinal)))
            .Select(citation => $"{Path.GetRelativePath(root, citation.file)}: \"{citation.Name}\""));
    }

    [Fact]
    public void Links_in_the_markdown_files_should_lead_to_files_and_headings_that_exist()
    {
        var root = Repository.Root;
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var file in TextFiles(root).Where(file => file.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (var target in MarkdownLink().Matches(File.ReadAllText(file)).Select(match => match.Groups["target"].Value))
            {
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                checkedLinks++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var linked = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
                if (!File.Exists(linked) && !Directory.Exists(linked))
                {
                    broken.Add($"{Path.GetRelativePath(root, file)}: ({target}) no such file");
                }
                else if (hash >= 0 && !Headings(linked).Select(Slug).Contains(target[(hash + 1)..]))
                {
                    broken.Add($"{Path.GetRelativePath(root, file)}: ({target}) no such heading");
                }
            }
        }

        Assert.True(checkedLinks > 20, $"only {checkedLinks} links found");
        Assert.Empty(broken);
    }

    /// <summary>A clone has nothing beside the repository, so nothing in it may send a reader there.</summary>
    [Fact]
    public void No_file_should_point_outside_the_repository_for_the_contract()
    {
        var root = Repository.Root;

        Assert.Empty(TextFiles(root).Where(file => OutsideReference().IsMatch(File.ReadAllText(file))).Select(file => Path.GetRelativePath(root, file)));
    }

    private static IEnumerable<string> TextFiles(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var dir))
        {
            foreach (var sub in Directory.EnumerateDirectories(dir).Where(sub => !SkippedDirectories.Contains(Path.GetFileName(sub))))
            {
                pending.Push(sub);
            }

            foreach (var file in Directory.EnumerateFiles(dir).Where(file => TextExtensions.Contains(Path.GetExtension(file))))
            {
                yield return file;
            }
        }
    }

    /// <summary>The text of every Markdown heading outside code blocks.</summary>
    private static IEnumerable<string> Headings(string markdownFile)
    {
        var inCode = false;
        foreach (var line in File.ReadLines(markdownFile))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (!inCode && Heading().Match(line) is { Success: true } heading)
            {
                yield return heading.Groups["text"].Value.Trim();
            }
        }
    }

    /// <summary>GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen.</summary>
    private static string Slug(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');


    [GeneratedRegex(@"<!-- file: (?<path>[^ ]+) -->\n```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    internal static partial Regex ShownFile();

    [GeneratedRegex(@"^## (?<n>\d+)\. ", RegexOptions.Multiline)]
    private static partial Regex ProtocolSection();

    [GeneratedRegex(@"§(?<n>\d+)")]
    private static partial Regex SectionCitation();

    [GeneratedRegex(@"api-reference\.md, [""'](?<name>[^""'\n]+)[""']")]
    private static partial Regex ApiReferenceCitation();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\.\./shared/")]
    private static partial Regex OutsideReference();
}
