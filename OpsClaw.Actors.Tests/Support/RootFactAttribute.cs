namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A spec that needs root (to act as another uid with setpriv, or to hand files to one). Run as
/// anyone else it is reported as skipped, with the reason, so a non-root run never passes it
/// silently; CI runs as root, where it always runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!PosixFiles.IsRoot || !File.Exists("/usr/bin/setpriv"))
        {
            Skip = "needs root and /usr/bin/setpriv to act as another uid (CI runs as root)";
        }
    }
}
