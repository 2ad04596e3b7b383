namespace OpsClaw.Actors.Channels;

/// <summary>
/// Questions the IPC root (<c>/user/ipc</c>) answers about what it serves; the control channel
/// asks them for <c>control.channels</c> and <c>control.status</c>.
/// </summary>
internal static class IpcIntrospection
{
    /// <summary>Answered with a <see cref="Contracts.ChannelsReport"/>.</summary>
    public sealed class GetChannels
    {
        public static readonly GetChannels Instance = new();

        private GetChannels()
        {
        }
    }

    /// <summary>Answered with a <see cref="Contracts.StatusReport"/>.</summary>
    public sealed class GetStatus
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }
}
