namespace OpsClaw.Actors.Protocol;

/// <summary>The one schema version this server speaks, on every request and every response.</summary>
public static class IpcSchema
{
    public const string Version = "opsclaw.ipc.v1alpha1";
}
