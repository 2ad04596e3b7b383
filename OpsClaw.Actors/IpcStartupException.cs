namespace OpsClaw.Actors;

/// <summary>
/// The host refused to start for a reason the user can fix (a locked or unsafe directory, a path it
/// will not replace, a path too long). <see cref="Exception.Message"/> says what to change in terms of
/// settings (e.g. <c>opsclaw.ipc.socket-dir</c>); the <c>opsclaw</c> command line names its own flags
/// instead, exits with status 2 and prints it in one line.
/// </summary>
public sealed class IpcStartupException : Exception
{
    /// <summary>Where <see cref="ForSetting"/>'s template names the setting.</summary>
    private const string SettingSlot = "{setting}";

    private readonly string? _template;

    /// <summary>A refusal described by <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public IpcStartupException(string message)
        : base(message)
    {
    }

    private IpcStartupException(string template, string setting)
        : base(template.Replace(SettingSlot, "setting " + setting, StringComparison.Ordinal))
    {
        _template = template;
        Setting = setting;
    }

    /// <summary>The setting whose change fixes it (e.g. <c>opsclaw.ipc.socket-dir</c>), when one does.</summary>
    internal string? Setting { get; }

    /// <summary>
    /// A refusal fixed by changing <paramref name="setting"/>: <paramref name="template"/> holds
    /// <c>{setting}</c> where the remedy names it, rendered "setting opsclaw.ipc.socket-dir" here and
    /// as a flag by a command line that has one (<see cref="MessageNaming"/>).
    /// </summary>
    internal static IpcStartupException ForSetting(string template, string setting) => new(template, setting);

    /// <summary>The message with the setting named as <paramref name="name"/> (e.g. "--dir"); <see cref="Exception.Message"/> when none is named.</summary>
    internal string MessageNaming(string name) =>
        _template is null ? Message : _template.Replace(SettingSlot, name, StringComparison.Ordinal);
}
