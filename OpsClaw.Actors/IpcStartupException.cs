namespace OpsClaw.Actors;

/// <summary>
/// The host refused to start for a reason the user can fix (a locked or unsafe directory, a path it
/// will not replace, a path too long). The host exits with status 2 and prints <see cref="Exception.Message"/>.
/// </summary>
public sealed class IpcStartupException(string message) : Exception(message);
