using System.Net.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// Why a client command could not connect, in words (docs/api-reference.md, "Command line"): a
/// missing socket file, a stale one nobody listens on, a file that is not a socket, permission
/// denied, a path too long. Each is one stderr line and exit 2, never the system's "Cannot assign
/// requested address".
/// </summary>
public sealed class ConnectErrorSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public ConnectErrorSpecs() =>
        Directory.CreateDirectory(_dir.SocketDir, (UnixFileMode)Convert.ToInt32("755", 8));

    public void Dispose() => _dir.Dispose();

    private static (int, string, string) Refused(string line) => (2, "", "opsclaw: " + line);

    private Task<(int ExitCode, string Stdout, string Stderr)> PingAsync(params string[] where) =>
        HostProcess.RunAsync(_dir.Path, ["ping", .. where]);

    [Fact]
    public async Task A_missing_socket_should_be_said_to_not_exist_with_where_it_was_looked_for()
    {
        Assert.Equal(
            Refused($"cannot connect to {_dir.Socket("runtime")}: the file does not exist. Is the host running, and serving {_dir.SocketDir} (given by --dir)? --dir, --socket or $OPSCLAW_SOCKETS choose another."),
            await PingAsync("--dir", _dir.SocketDir));

        var noDirectory = Path.Combine(_dir.Path, "gone");
        Assert.Equal(
            Refused($"cannot connect to {noDirectory}/runtime.sock: the file does not exist, nor does its directory {noDirectory}. Is the host running?"),
            await PingAsync("--socket", Path.Combine(noDirectory, "runtime.sock")));
    }

    [Fact]
    public async Task A_stale_socket_should_be_said_to_have_nobody_listening()
    {
        PosixFiles.LeaveStaleSocket(_dir.Socket("runtime"));

        Assert.Equal(
            Refused($"cannot connect to {_dir.Socket("runtime")}: nobody is listening on it: the socket file is there but no process accepts connections (a stale socket, left by a host that did not stop cleanly). Is the host running, and serving {_dir.SocketDir} (given by --dir)? --dir, --socket or $OPSCLAW_SOCKETS choose another."),
            await PingAsync("--dir", _dir.SocketDir));
    }

    [Fact]
    public async Task A_file_or_directory_in_place_of_the_socket_should_be_said_to_not_be_a_socket()
    {
        await File.WriteAllTextAsync(_dir.Socket("runtime"), "not a socket");
        Directory.CreateDirectory(_dir.Socket("control"));

        Assert.Equal(Refused($"cannot connect to {_dir.Socket("runtime")}: it is a regular file, not a socket"), await PingAsync("--dir", _dir.SocketDir));
        Assert.Equal(
            Refused($"cannot connect to {_dir.Socket("control")}: it is a directory, not a socket"),
            await HostProcess.RunAsync(_dir.Path, "health", "--dir", _dir.SocketDir));
    }

    [Fact]
    public async Task A_socket_this_user_may_not_write_should_be_said_to_deny_permission()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_dir.Socket("runtime")));
        listener.Listen(8);
        File.SetUnixFileMode(_dir.Socket("runtime"), (UnixFileMode)Convert.ToInt32("500", 8));

        // Root may connect to anything, so as root the client runs as "nobody"; anyone else is refused as the owner.
        string[] ping = [HostProcess.ExecutablePath, "ping", "--socket", _dir.Socket("runtime")];
        var result = PosixFiles.IsRoot
            ? await HostProcess.RunAsync(_dir.Path, ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "HOME=/tmp", .. ping])
            : await HostProcess.RunAsync(_dir.Path, ping);

        Assert.Equal(
            Refused($"cannot connect to {_dir.Socket("runtime")}: permission denied: the socket does not let this user connect (connecting takes write permission on it). Run as a user the socket admits (its owner or, for a group-writable socket, a member of its group)."),
            result);
    }

    [Fact]
    public async Task A_path_too_long_for_a_socket_address_should_be_said_so()
    {
        var tooLong = Path.Combine(_dir.Path, new string('a', 120) + ".sock");

        Assert.Equal(
            Refused($"cannot connect to {tooLong}: the path is {tooLong.Length} bytes, too long for a Unix socket address (at most 107)"),
            await PingAsync("--socket", tooLong));
    }
}
