using Akka.Configuration;
using OpsClaw.Actors;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Host;

/// <summary>
/// What <c>serve-sockets</c> runs with, judged whole before anything starts: the <c>--config</c> file
/// over the embedded defaults and the flags over both. <c>config check</c> and <c>config show</c> load
/// it the same way, so they judge exactly what the host would run with.
/// </summary>
/// <param name="FileConfig">The parsed <c>--config</c> file; empty without one.</param>
/// <param name="Options">The flags, as the options the host's actor system is given.</param>
/// <param name="Effective">Flags over file over defaults: the config the settings are read from.</param>
/// <param name="Settings">The settings read from <paramref name="Effective"/>.</param>
/// <param name="Source">The file's absolute path, or null without one.</param>
internal sealed record HostConfiguration(Config FileConfig, OpsClawIpcOptions Options, Config Effective, IpcSettings Settings, string? Source)
{
    /// <summary>The opsclaw executable serves the built-in channels only; a block for any other is a mistake.</summary>
    private static readonly string[] ServedChannels = [RuntimeChannelActor.Name, ControlChannelActor.Name];

    /// <summary>Reads and checks it all; null with every problem found (one sentence each) when it cannot be used.</summary>
    /// <param name="file">The <c>--config</c> file, if any.</param>
    /// <param name="dir">The <c>--dir</c> flag, if given.</param>
    /// <param name="cluster">The cluster flags of <c>serve-sockets</c>, laid over the file.</param>
    public static (HostConfiguration? Configuration, IReadOnlyList<string> Problems) Load(FileInfo? file, string? dir, ClusterFlags? cluster = null)
    {
        if (dir is not null && string.IsNullOrWhiteSpace(dir))
        {
            return (null, ["--dir must name a directory"]);
        }

        var problems = new List<string>();
        var fileConfig = file is null ? Config.Empty : Parse(file, problems);
        if (fileConfig is null)
        {
            return (null, problems);
        }

        // The flags are laid over the file, so the host's actor system gets them where it gets the file.
        if (cluster is { Any: true })
        {
            fileConfig = cluster.ToConfig().SafeWithFallback(fileConfig);
        }

        var options = new OpsClawIpcOptions { SocketDirectory = dir };
        var effective = options.ToConfig().SafeWithFallback(fileConfig).SafeWithFallback(IpcDefaults.Config);
        var (settings, settingProblems) = IpcSettingsReader.Read(effective, ServedChannels);
        if (settings is null)
        {
            return (null, settingProblems);
        }

        if (new ShutdownTiming(settings.ShutdownDrainTimeout).ProblemWith(effective) is { } tooShort)
        {
            return (null, [tooShort]);
        }

        return (new HostConfiguration(fileConfig, options, effective, settings, file?.FullName), []);
    }

    /// <summary>Prints each problem on its own stderr line and returns the exit status of a bad configuration.</summary>
    public static int Refuse(IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"opsclaw: invalid configuration: {problem}");
        }

        return ExitCodes.Usage;
    }

    private static Config? Parse(FileInfo file, List<string> problems)
    {
        if (Directory.Exists(file.FullName))
        {
            problems.Add($"config file {file.FullName} is a directory");
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            problems.Add($"config file {file.FullName} does not exist");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"config file {file.FullName} cannot be read: {ex.Message}");
            return null;
        }

        problems.AddRange(HoconSyntax.Problems(text, file.FullName));
        if (problems.Count > 0)
        {
            return null;
        }

        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception ex)
        {
            // Akka's parser throws plain exceptions (an unresolved substitution, a bad escape) with the reason in the message.
            problems.Add($"{file.FullName}: {ex.Message}");
            return null;
        }
    }
}
