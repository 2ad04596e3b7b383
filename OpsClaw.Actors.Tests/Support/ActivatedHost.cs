using System.Globalization;
using System.Net.Sockets;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Starts opsclaw as systemd starts a socket-activated service: the given sockets as descriptors 3,
/// 4, …, <c>LISTEN_FDS</c> and <c>LISTEN_FDNAMES</c> set, and <c>LISTEN_PID</c> the pid of the host
/// itself. .NET's Process cannot put descriptors at chosen numbers, so the child inherits copies
/// made inheritable for the moment of the start, and a few lines of Perl (perl-base is part of
/// every Debian system) move them to 3, 4, …, set LISTEN_PID to their own pid and exec the host,
/// which keeps that pid. The returned process is the host, killed by pid on dispose.
/// </summary>
/// <remarks>
/// A process another spec starts at the same instant may inherit the copies too; it then holds a
/// listening socket it never uses, which changes nothing these specs observe.
/// </remarks>
public static class ActivatedHost
{
    private const string Shim = """
        use POSIX ();
        my $count = shift @ARGV;
        my @passed = splice(@ARGV, 0, $count);
        for my $i (0 .. $#passed) {
            defined POSIX::dup2($passed[$i], 3 + $i) or die "dup2($passed[$i], " . (3 + $i) . "): $!";
        }
        POSIX::close($_) for @passed;
        $ENV{LISTEN_PID} = $$;
        exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!";
        """;

    /// <param name="workingDirectory">The host's working directory.</param>
    /// <param name="sockets">Passed in this order, as fds 3, 4, ….</param>
    /// <param name="names">LISTEN_FDNAMES, or null to leave it unset.</param>
    /// <param name="environment">More variables; these win over the ones set here (to pass a malformed LISTEN_FDS).</param>
    /// <param name="args">opsclaw's arguments.</param>
    public static HostProcess Start(
        string workingDirectory, IReadOnlyList<Socket> sockets, string? names, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var copies = sockets.Select(SupervisorSockets.InheritableCopy).ToArray();
        try
        {
            var variables = new Dictionary<string, string> { ["LISTEN_FDS"] = sockets.Count.ToString(CultureInfo.InvariantCulture) };
            if (names is not null)
            {
                variables["LISTEN_FDNAMES"] = names;
            }

            foreach (var (name, value) in environment)
            {
                variables[name] = value;
            }

            return HostProcess.Start(
                workingDirectory,
                variables,
                [
                    "/usr/bin/perl", "-e", Shim, sockets.Count.ToString(CultureInfo.InvariantCulture),
                    .. copies.Select(fd => fd.ToString(CultureInfo.InvariantCulture)),
                    HostProcess.ExecutablePath, .. args,
                ]);
        }
        finally
        {
            // The child has its copies now; the spec keeps only its own, close-on-exec descriptors.
            foreach (var fd in copies)
            {
                SupervisorSockets.Close(fd);
            }
        }
    }

    public static HostProcess Start(string workingDirectory, IReadOnlyList<Socket> sockets, string? names, params string[] args) =>
        Start(workingDirectory, sockets, names, new Dictionary<string, string>(), args);
}
