using Akka.Configuration;

namespace OpsClaw.Actors;

/// <summary>The embedded <c>hocon/opsclaw.conf</c>: every setting with its default.</summary>
internal static class IpcDefaults
{
    private const string ResourceName = "OpsClaw.Actors.opsclaw.conf";

    // Declared before Config: static initializers run in text order.
    public static string Text { get; } = Load();

    public static Config Config { get; } = ConfigurationFactory.ParseString(Text);

    private static string Load()
    {
        using var stream = typeof(IpcDefaults).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from OpsClaw.Actors");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
