using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests;

/// <summary>
/// docs/extending.md's application, built the way its reader builds it: a new console project
/// (<c>dotnet new console</c>'s settings, outside this repository and its build settings) holding the
/// guide's files, with the packages and project lines the guide says to add and the OpsClaw.Actors these specs run
/// against. Restored offline from the local package cache, so the guide's code, its <c>using</c>s and
/// its package list are what is checked, not the network.
/// </summary>
public sealed partial class ExtendingGuideBuildSpecs : IDisposable
{
    private static readonly TimeSpan BuildWithin = TimeSpan.FromMinutes(4);

    private readonly string _project = Path.Combine(Path.GetTempPath(), "opsclaw-guide-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_project))
        {
            Directory.Delete(_project, recursive: true);
        }
    }

    [Fact]
    public async Task The_guides_program_should_build_as_a_new_console_application()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "extending.md"));
        var files = DocsSpecs.ShownFile().Matches(guide).ToDictionary(match => Path.GetFileName(match.Groups["path"].Value), match => match.Groups["code"].Value);
        var added = AddedPackage().Matches(guide).Select(match => (Id: match.Groups["id"].Value, Version: match.Groups["version"].Value)).ToList();
        Assert.Contains("Program.cs", files.Keys);
        Assert.Contains(added, package => package.Id == "Microsoft.Extensions.Hosting");

        Directory.CreateDirectory(_project);
        foreach (var (name, code) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(_project, name), code);
        }

        var projectLines = XElement.Parse(Assert.Single(ProjectLines().Matches(guide)).Groups["xml"].Value);
        await File.WriteAllTextAsync(Path.Combine(_project, "EchoHost.csproj"), Project(added, projectLines).ToString());

        // No package source at all: every package must already be in the local cache, as the repository's build left it.
        await File.WriteAllTextAsync(Path.Combine(_project, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>\n");

        var (exitCode, output) = await RunAsync(
            "dotnet", "build", _project, "-c", "Release", "-nologo", "-m:1", "-nodeReuse:false", "--disable-build-servers",
            "-p:UseSharedCompilation=false", "-p:NuGetAudit=false");

        Assert.True(exitCode == 0, $"the guide's program does not build (exit {exitCode}):\n{string.Join('\n', output.Split('\n').Where(line => line.Contains("error", StringComparison.Ordinal)).Distinct())}\n{output[^Math.Min(output.Length, 3000)..]}");
        Assert.True(File.Exists(Path.Combine(_project, "bin", "Release", "net10.0", "EchoHost.dll")));
    }

    /// <summary>
    /// What <c>dotnet new console</c> makes (warnings as errors besides, so the guide's code stays clean),
    /// with the packages the guide adds, and OpsClaw.Actors: the assembly under test with the packages it
    /// depends on, as a project reference to it would bring them.
    /// </summary>
    private static XElement Project(IEnumerable<(string Id, string Version)> added, XElement projectLines)
    {
        var versions = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(package => (string)package.Attribute("Include")!, package => (string)package.Attribute("Version")!);
        var library = XDocument.Load(Path.Combine(Repository.Root, "OpsClaw.Actors", "OpsClaw.Actors.csproj")).Descendants("PackageReference")
            .Select(package => (string)package.Attribute("Include")!)
            .Select(id => (Id: id, Version: versions[id]));

        return new XElement(
            "Project",
            new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement(
                "PropertyGroup",
                new XElement("OutputType", "Exe"),
                new XElement("TargetFramework", "net10.0"),
                new XElement("ImplicitUsings", "enable"),
                new XElement("Nullable", "enable"),
                new XElement("TreatWarningsAsErrors", "true"),

                // As in the repository's own build: the package mirror lacks some exact transitive
                // versions (LightningDB 0.16.0, under Akka.Cluster.Hosting) and serves the next one up.
                new XElement("WarningsNotAsErrors", "NU1603"),
                new XElement("NoWarn", "$(NoWarn);NU1603")),
            new XElement(
                "ItemGroup",
                library.Concat(added).DistinctBy(package => package.Id).Select(package => new XElement(
                    "PackageReference",
                    new XAttribute("Include", package.Id),
                    new XAttribute("Version", package.Version))),
                new XElement("Reference", new XAttribute("Include", typeof(OpsClawIpc).Assembly.Location))),
            projectLines);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(BuildWithin);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{program} {string.Join(' ', args)} took longer than {BuildWithin}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>What the guide says to add to the project file.</summary>
    [GeneratedRegex(@"<!-- add to EchoHost\.csproj -->\n```xml\n(?<xml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ProjectLines();

    /// <summary>The guide's <c>dotnet add package &lt;id&gt; --version &lt;version&gt;</c> lines.</summary>
    [GeneratedRegex(@"^dotnet add package (?<id>[A-Za-z0-9.]+) --version (?<version>[0-9][0-9A-Za-z.\-]*)", RegexOptions.Multiline)]
    private static partial Regex AddedPackage();
}
