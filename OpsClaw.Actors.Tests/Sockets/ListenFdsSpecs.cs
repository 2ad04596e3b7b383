using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>The socket-activation variables, read as sd_listen_fds(3) reads them, with clear refusals where it would guess.</summary>
public sealed class ListenFdsSpecs
{
    private const int Pid = 4242;

    [Fact]
    public void Sockets_passed_to_this_process_should_be_fds_3_and_up_with_their_names_in_order()
    {
        var fds = ListenFds.Parse("4242", "2", "control:runtime", Pid);

        Assert.Equal([new ListenFds.Passed(3, "control"), new ListenFds.Passed(4, "runtime")], fds!.Sockets);
    }

    [Fact]
    public void Sockets_without_names_should_have_none()
    {
        var fds = ListenFds.Parse("4242", "1", null, Pid);

        Assert.Equal([new ListenFds.Passed(3, null)], fds!.Sockets);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("4242", "", "x")]
    [InlineData("4242", "0", null)]
    [InlineData("1", "2", "runtime:control")]
    public void No_sockets_for_this_process_should_mean_no_socket_activation(string? pid, string? fds, string? names)
    {
        Assert.Null(ListenFds.Parse(pid, fds, names, Pid));
    }

    [Theory]
    [InlineData("4242", "two", null, "LISTEN_FDS=two is not a number of passed sockets (a whole number from 0 to 1024)")]
    [InlineData("4242", "-1", null, "LISTEN_FDS=-1 is not a number of passed sockets (a whole number from 0 to 1024)")]
    [InlineData("4242", "5000", null, "LISTEN_FDS=5000 is not a number of passed sockets (a whole number from 0 to 1024)")]
    [InlineData("me", "2", null, "LISTEN_PID=me is not a process id")]
    [InlineData("4242", "2", "runtime", "LISTEN_FDNAMES=runtime names 1 sockets but LISTEN_FDS=2 passes 2")]
    [InlineData(null, "2", null, "LISTEN_FDS=2 is set but LISTEN_PID is not, so it is unknown whether the sockets are this process's; a supervisor passing sockets sets LISTEN_PID to the pid it starts (systemd does)")]
    public void Malformed_variables_should_be_refused_naming_the_variable(string? pid, string fds, string? names, string expected)
    {
        var error = Assert.Throws<IpcStartupException>(() => ListenFds.Parse(pid, fds, names, Pid));

        Assert.Equal(expected, error.Message);
    }
}
