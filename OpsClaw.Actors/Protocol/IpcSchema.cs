namespace OpsClaw.Actors.Protocol;

/// <summary>The one schema version this server speaks, on every request and every response.</summary>
public static class IpcSchema
{
    /// <summary><c>opsclaw.ipc.v1alpha1</c>: the <c>schema_version</c> every request must carry.</summary>
    public const string Version = "opsclaw.ipc.v1alpha1";

    /// <summary><see cref="Version"/> as UTF-8, to compare a request's bytes with.</summary>
    internal static ReadOnlySpan<byte> VersionUtf8 => "opsclaw.ipc.v1alpha1"u8;
}
