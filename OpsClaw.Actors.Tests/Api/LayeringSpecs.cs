using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Api;

/// <summary>
/// The namespaces of OpsClaw.Actors are layers, and dependencies run one way (docs/architecture.md,
/// "Code layout"): a layer may use the layers below it, never one above. A type that reaches up,
/// in a signature or anywhere in a method body, fails this spec with the edge it added; so does a
/// source file that names a layer above its own (a <c>using</c>, or a constant, which the compiled
/// code no longer shows).
/// </summary>
public sealed partial class LayeringSpecs
{
    private const string Root = "OpsClaw.Actors";

    /// <summary>Bottom to top: each may use those before it.</summary>
    private static readonly string[] Layers =
    [
        Root,                       // IpcSettings, IpcDefaults, IpcStartupException: what every layer shares
        Root + ".Protocol",         // the wire: envelopes, codec, framing, error texts
        Root + ".Contracts",        // payload shapes
        Root + ".Metrics",
        Root + ".Broker",           // the broker's pure core: topics, the subscription trie, member choice, its payloads
        Root + ".Streams",          // durable streams' storage, records and positions (no actors)
        Root + ".Clustering",       // the cluster's pure core: replicated interest, where a publish goes, the wire form between nodes
        Root + ".Channels",         // channel actors and their protocol
        Root + ".Sockets",          // listeners and connections
        Root + ".Ipc",              // the IPC subsystem: OpsClawIpc and /user/ipc
        Root + ".Hosting",          // the Akka.Hosting surface
    ];

    /// <summary>A side branch: the client speaks the wire protocol and nothing of the server uses it.</summary>
    private const string Client = Root + ".Client";

    private static readonly string[] ClientMayUse = [Root, Root + ".Protocol", Root + ".Contracts"];

    private static readonly Assembly Library = typeof(OpsClawIpc).Assembly;

    /// <summary>A layer's namespace, whole: <c>OpsClaw.Actors.Ipc</c> but not <c>OpsClaw.Actors.IpcSettings</c>.</summary>
    private static readonly Regex LayerName = new(
        @"\b(" + string.Join("|", Layers.Skip(1).Append(Client).Select(Regex.Escape)) + @")\b");

    [Fact]
    public void Every_layer_should_use_only_the_layers_below_it()
    {
        var types = Types.InAssembly(Library);
        var violations = new List<string>();
        foreach (var (layer, forbidden) in ForbiddenEdges())
        {
            var offenders = types.That().ResideInNamespaceMatching("^" + Regex.Escape(layer) + "$")
                .And().HaveDependencyOn(forbidden)
                .GetTypes()
                .Select(type => type.FullName)
                .ToList();
            if (offenders.Count > 0)
            {
                violations.Add($"{layer} uses {forbidden}, a layer above it or beside it, in: {string.Join(", ", offenders)}");
            }
        }

        Assert.True(
            violations.Count == 0,
            "Dependencies run one way, " + string.Join(" ← ", Layers.Select(Short)) + " (and Client uses only "
            + string.Join(", ", ClientMayUse.Select(Short)) + "). Move the type to the lowest layer that uses it, or pass a value instead:\n"
            + string.Join("\n", violations));
    }

    [Fact]
    public void Every_source_file_should_name_only_the_layers_below_it()
    {
        var library = Path.Combine(Repository.Root, "OpsClaw.Actors");
        var forbidden = ForbiddenEdges().ToLookup(edge => edge.Layer, edge => edge.Forbidden);
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(library, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var source = File.ReadAllText(file);
            var declaration = FileNamespace().Match(source);
            var layer = declaration.Groups[1].Value;
            var named = LayerName.Matches(source.Remove(declaration.Index, declaration.Length))
                .Select(match => match.Value)
                .Distinct(StringComparer.Ordinal);
            violations.AddRange(named.Where(forbidden[layer].Contains).Select(above => $"{relative} ({layer}) names {above}"));
        }

        Assert.True(violations.Count == 0, "A file names a layer above its own; move what it needs down, or pass a value instead:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_namespace_of_the_library_should_have_a_place_in_the_order()
    {
        var known = Layers.Append(Client).ToHashSet(StringComparer.Ordinal);

        var unplaced = Library.GetTypes()
            .Select(type => type.Namespace)
            .OfType<string>()
            .Where(ns => ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal))
            .Where(ns => !known.Contains(ns))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(unplaced.Count == 0, "Give each new namespace a place in LayeringSpecs (and docs/architecture.md): " + string.Join(", ", unplaced));
    }

    /// <summary>Every (layer, namespace it must not use) pair.</summary>
    private static IEnumerable<(string Layer, string Forbidden)> ForbiddenEdges()
    {
        for (var i = 0; i < Layers.Length; i++)
        {
            foreach (var above in Layers.Skip(i + 1).Append(Client))
            {
                yield return (Layers[i], above);
            }
        }

        foreach (var layer in Layers.Except(ClientMayUse))
        {
            yield return (Client, layer);
        }
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    private static string Short(string ns) => ns == Root ? "(root)" : ns[(Root.Length + 1)..];
}
