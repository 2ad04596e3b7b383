using Akka.Configuration;

namespace OpsClaw.Actors;

/// <summary>
/// The <c>opsclaw</c> settings of a config cannot be used: <see cref="Problems"/> holds every problem
/// found, each naming its key, the value given and what is allowed (or, for an unknown key, the
/// nearest known one). The message lists them all, one a line.
/// </summary>
public sealed class IpcSettingsException : ConfigurationException
{
    /// <summary>Settings refused for <paramref name="problems"/>.</summary>
    /// <param name="problems">Every problem found, one sentence each; at least one.</param>
    public IpcSettingsException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, in the order of the settings, e.g. <c>opsclaw.ipc.request-timeout = banana: must be a duration …</c>.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 1
            ? "invalid OpsClaw settings: " + problems[0]
            : $"invalid OpsClaw settings ({problems.Count} problems):\n  " + string.Join("\n  ", problems);
    }
}
