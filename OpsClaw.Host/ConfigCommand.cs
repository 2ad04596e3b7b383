using System.CommandLine;
using System.Text;
using OpsClaw.Actors;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw config check|show [--config] [--dir]</c>: judges a configuration without starting a host,
/// as <c>nginx -t</c> does, or prints the settings a host would run with.
/// </summary>
internal static class ConfigCommand
{
    private const string DrainPhaseKey = "akka.coordinated-shutdown.phases.service-requests-done.timeout";

    public static Command Create() => new("config", "Check a configuration, or show the settings it gives.")
    {
        Subcommand("check", "Check a configuration as serve-sockets would, without starting: exit 0 with one line, or exit 2 with every problem.", Check),
        Subcommand("show", "Print every setting a host would run with (defaults, then --config, then --dir) as HOCON.", Show),
    };

    /// <summary>A subcommand taking the serve-sockets flags that decide the settings.</summary>
    private static Command Subcommand(string name, string description, Func<FileInfo?, string?, int> run)
    {
        var config = new Option<FileInfo?>("--config") { Description = "HOCON file whose opsclaw.ipc settings override the defaults, as serve-sockets --config." };
        var dir = new Option<string?>("--dir") { Description = "Socket directory, overriding socket-dir, as serve-sockets --dir." };
        var command = new Command(name, description) { config, dir };
        command.SetAction(parse => run(parse.GetValue(config), parse.GetValue(dir)));
        return command;
    }

    private static int Check(FileInfo? file, string? dir)
    {
        var (configuration, problems) = HostConfiguration.Load(file, dir);
        if (configuration is null)
        {
            return HostConfiguration.Refuse(problems);
        }

        Console.Out.WriteLine($"configuration ok: {configuration.Source ?? "built-in defaults (no --config)"}");
        return ExitCodes.Ok;
    }

    private static int Show(FileInfo? file, string? dir)
    {
        var (configuration, problems) = HostConfiguration.Load(file, dir);
        if (configuration is null)
        {
            return HostConfiguration.Refuse(problems);
        }

        var settings = configuration.Settings;
        var text = new StringBuilder();
        text.Append("# The settings opsclaw ipc serve-sockets would run with: the built-in defaults");
        text.Append(configuration.Source is null ? "" : $", then {configuration.Source}");
        text.Append(dir is null ? ".\n" : ", then --dir.\n");
        if (!Path.IsPathRooted(settings.SocketDirectory))
        {
            text.Append($"# socket-dir is relative: from this working directory, {Path.GetFullPath(settings.SocketDirectory)}.\n");
        }

        text.Append(IpcSettingsHocon.Write(settings));
        text.Append(BrokerStreamsHocon.Write(settings.Broker));
        var drain = configuration.Effective.GetString(DrainPhaseKey);
        text.Append($"{DrainPhaseKey} = {(SettingValues.TryDuration(drain, out var phase) ? SettingValues.FormatDuration(phase) : drain)}\n");
        Console.Out.Write(text.ToString());
        Console.Out.Flush();
        return ExitCodes.Ok;
    }
}
