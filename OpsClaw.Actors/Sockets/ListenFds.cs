using System.Globalization;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// The listening sockets a supervisor passed to this process under systemd's socket-activation
/// protocol (sd_listen_fds(3)): descriptors 3 to 3+<c>LISTEN_FDS</c>-1, meant for this process only
/// when <c>LISTEN_PID</c> is its pid, named in order by <c>LISTEN_FDNAMES</c> (colon-separated; systemd
/// fills it from each socket unit's <c>FileDescriptorName=</c>, else the unit's name).
/// </summary>
internal sealed record ListenFds(IReadOnlyList<ListenFds.Passed> Sockets)
{
    /// <summary>The first passed descriptor (SD_LISTEN_FDS_START): 0-2 are stdin, stdout and stderr.</summary>
    public const int FirstFd = 3;

    /// <summary>Reads this process's environment; null when no socket was passed to it.</summary>
    /// <exception cref="IpcStartupException">the variables are set but malformed.</exception>
    public static ListenFds? FromEnvironment() => Parse(
        Environment.GetEnvironmentVariable("LISTEN_PID"),
        Environment.GetEnvironmentVariable("LISTEN_FDS"),
        Environment.GetEnvironmentVariable("LISTEN_FDNAMES"),
        Environment.ProcessId);

    /// <summary>
    /// Null when <paramref name="fds"/> is unset or 0, or when <paramref name="pid"/> names another
    /// process (the variables were inherited from a parent that was itself activated: the descriptors
    /// are not this process's to take). A malformed value, or descriptors with no <c>LISTEN_PID</c>
    /// to say whose they are, is refused rather than ignored: the sockets would otherwise be taken
    /// for stale ones and replaced.
    /// </summary>
    /// <exception cref="IpcStartupException">a value is malformed; the message names the variable.</exception>
    public static ListenFds? Parse(string? pid, string? fds, string? names, int ownPid)
    {
        if (string.IsNullOrEmpty(fds))
        {
            return null;
        }

        if (!int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 1024)
        {
            throw new IpcStartupException($"LISTEN_FDS={fds} is not a number of passed sockets (a whole number from 0 to 1024)");
        }

        if (string.IsNullOrEmpty(pid))
        {
            throw new IpcStartupException(
                $"LISTEN_FDS={fds} is set but LISTEN_PID is not, so it is unknown whether the sockets are this process's; " +
                "a supervisor passing sockets sets LISTEN_PID to the pid it starts (systemd does)");
        }

        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var forPid) || forPid < 1)
        {
            throw new IpcStartupException($"LISTEN_PID={pid} is not a process id");
        }

        if (forPid != ownPid || count == 0)
        {
            return null;
        }

        var nameList = string.IsNullOrEmpty(names) ? null : names.Split(':');
        if (nameList is not null && nameList.Length != count)
        {
            throw new IpcStartupException($"LISTEN_FDNAMES={names} names {nameList.Length} sockets but LISTEN_FDS={fds} passes {count}");
        }

        return new ListenFds([.. Enumerable.Range(0, count).Select(i => new Passed(FirstFd + i, nameList?[i]))]);
    }

    /// <summary>One passed descriptor and its name (null when the supervisor gave none).</summary>
    internal sealed record Passed(int Fd, string? Name)
    {
        /// <summary>"fd 3 (named runtime)", for messages.</summary>
        public override string ToString() => Name is null ? $"fd {Fd}" : $"fd {Fd} (named {Name})";
    }
}
