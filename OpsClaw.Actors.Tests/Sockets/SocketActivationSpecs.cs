using System.Net.Sockets;
using Akka.Actor;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>
/// Socket activation in process: the spec plays systemd, binding the sockets itself and passing
/// copies of their descriptors (the IPC root owns and closes what it is passed, as a host owns fds 3
/// and up). The executable with real fds 3 and 4 is <c>Host/SocketActivationProcessSpecs</c>.
/// </summary>
public sealed class SocketActivationSpecs : SocketSpecBase
{
    private static readonly ChannelDefinition[] BuiltIn = [ChannelDefinition.Runtime(), ChannelDefinition.Control()];

    public SocketActivationSpecs() =>
        Directory.CreateDirectory(Dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    private Task<IpcBinding> StartPassingAsync(params (Socket Socket, string? Name)[] passed) =>
        StartPassingAsync([.. passed.Select(socket => new ListenFds.Passed(Native.Duplicate((int)socket.Socket.Handle), socket.Name))]);

    private Task<IpcBinding> StartPassingAsync(ListenFds.Passed[] passed) =>
        OpsClawIpc.Get(Sys).StartWithPassedSockets(Settings(), BuiltIn, null, () => new ListenFds(passed)).WaitAsync(TimeSpan.FromSeconds(15));

    [Fact]
    public async Task Passed_sockets_should_be_served_by_name_and_keep_their_files_and_listen_after_the_host_stops()
    {
        using var runtime = SupervisorSockets.Listen(Dir.Socket("runtime"));
        using var control = SupervisorSockets.Listen(Dir.Socket("control"));
        var identities = new[] { SupervisorSockets.IdentityOf(Dir.Socket("runtime")), SupervisorSockets.IdentityOf(Dir.Socket("control")) };

        // Control first: the order of the descriptors says nothing, the names do.
        var binding = await StartPassingAsync((control, "control"), (runtime, "runtime"));

        Assert.Equal(Dir.Socket("runtime"), binding.PathOf("runtime"));
        await using (var client = await IpcClient.ConnectAsync(binding.PathOf("runtime")))
        {
            Assert.Equal("runtime.pong", (await client.SendAsync("runtime.ping")).MessageType);
        }

        await using (var client = await IpcClient.ConnectAsync(binding.PathOf("control")))
        {
            Assert.Equal("control.health.ok", (await client.SendAsync("control.health")).MessageType);
        }

        await CoordinatedShutdown.Get(Sys).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));

        // The files are systemd's: same inodes, still there; only the lock file went.
        Assert.Equal(identities, new[] { SupervisorSockets.IdentityOf(Dir.Socket("runtime")), SupervisorSockets.IdentityOf(Dir.Socket("control")) });
        Assert.False(File.Exists(Path.Combine(Dir.SocketDir, "opsclaw.lock")));

        // And the socket still listens: a client connecting now waits in its backlog for the next host.
        using var late = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await late.ConnectAsync(new UnixDomainSocketEndPoint(Dir.Socket("runtime")));
        using var queued = await runtime.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Passed_sockets_named_for_no_channel_should_be_matched_by_the_file_they_are_bound_to()
    {
        using var runtime = SupervisorSockets.Listen(Dir.Socket("runtime"));
        using var control = SupervisorSockets.Listen(Dir.Socket("control"));

        // One socket unit listing both paths passes both under the unit's name.
        var binding = await StartPassingAsync((control, "opsclaw.socket"), (runtime, "opsclaw.socket"));

        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        Assert.Equal("runtime.pong", (await client.SendAsync("runtime.ping")).MessageType);
    }

    [Fact]
    public async Task A_channel_with_no_passed_socket_should_be_refused_leaving_the_passed_files_alone()
    {
        using var runtime = SupervisorSockets.Listen(Dir.Socket("runtime"));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync((runtime, "runtime")));

        Assert.Matches(
            $"^socket activation: no socket was passed for channel 'control' \\(passed: fd \\d+ \\(named runtime\\)\\); " +
            $"pass one for every channel \\(ListenStream={Dir.Socket("control")} with FileDescriptorName=control\\) or none$",
            error.Message);
        Assert.Equal(Native.PathKind.Socket, Native.KindOf(Dir.Socket("runtime")));
        Assert.Equal(Native.PathKind.Missing, Native.KindOf(Dir.Socket("control")));
    }

    [Fact]
    public async Task Two_sockets_passed_for_one_channel_should_be_refused()
    {
        using var runtime = SupervisorSockets.Listen(Dir.Socket("runtime"));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync((runtime, "runtime"), (runtime, "runtime")));

        Assert.Contains("were both passed for channel 'runtime'; pass one socket per channel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_named_and_bound_for_no_channel_should_be_refused_naming_the_channels()
    {
        using var runtime = SupervisorSockets.Listen(Dir.Socket("runtime"));
        using var other = SupervisorSockets.Listen(Path.Combine(Dir.SocketDir, "other.sock"));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync((runtime, "runtime"), (other, "other")));

        Assert.Contains($"is bound to {Dir.SocketDir}/other.sock, which is no channel's socket; name it after its channel (FileDescriptorName= one of runtime, control)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_bound_outside_the_socket_directory_should_be_refused_naming_both_paths()
    {
        var elsewhere = Path.Combine(Dir.Path, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        using var runtime = SupervisorSockets.Listen(Path.Combine(elsewhere, "runtime.sock"));
        using var control = SupervisorSockets.Listen(Dir.Socket("control"));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync((runtime, "runtime"), (control, "control")));

        Assert.Contains(
            $"is bound to {elsewhere}/runtime.sock, but channel 'runtime' listens on {Dir.Socket("runtime")}; make the socket unit's ListenStream= and the socket directory (--dir, socket-dir) agree",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_whose_file_was_removed_should_be_refused_saying_to_restart_its_unit()
    {
        using var runtime = SupervisorSockets.Listen(Dir.Socket("runtime"));
        using var control = SupervisorSockets.Listen(Dir.Socket("control"));
        File.Delete(Dir.Socket("runtime"));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync((runtime, "runtime"), (control, "control")));

        Assert.Contains($"is bound to {Dir.Socket("runtime")}, but that file no longer exists", error.Message, StringComparison.Ordinal);
        Assert.Contains("restart its socket unit", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Unusable => new()
    {
        { "datagram", "is not a stream socket (socket type 2); pass it with ListenStream=" },
        { "not listening", "is not listening; pass a listening socket (Accept=no)" },
        { "abstract", "is not bound to a file (it is unnamed or in the abstract namespace)" },
        { "regular file", "is not a socket" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task A_passed_descriptor_that_is_no_listening_unix_stream_socket_with_a_path_should_be_refused(string kind, string expected)
    {
        using var control = SupervisorSockets.Listen(Dir.Socket("control"));
        using var file = kind == "regular file" ? File.Create(Path.Combine(Dir.Path, "file")) : null;
        using var socket = kind switch
        {
            "datagram" => new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified),
            "regular file" => null,
            _ => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
        };
        if (kind == "abstract")
        {
            socket!.Bind(new UnixDomainSocketEndPoint("\0opsclaw-spec-" + Guid.NewGuid().ToString("N")));
            socket.Listen(1);
        }
        else if (socket is not null)
        {
            socket.Bind(new UnixDomainSocketEndPoint(Dir.Socket("runtime")));
        }

        var fd = Native.Duplicate(file is null ? (int)socket!.Handle : (int)file.SafeFileHandle.DangerousGetHandle());
        try
        {
            var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync(
                [new ListenFds.Passed(fd, "runtime"), new ListenFds.Passed(Native.Duplicate((int)control.Handle), "control")]));

            Assert.StartsWith($"socket activation: fd {fd} (named runtime) {expected}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            // A descriptor that fails the checks is not taken, so not closed by the host: the spec closes its copy.
            SupervisorSockets.Close(fd);
        }
    }

    [Fact]
    public async Task A_descriptor_that_is_not_open_should_be_refused()
    {
        const int neverOpen = 1_000_000;

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartPassingAsync([new ListenFds.Passed(neverOpen, null)]));

        Assert.Equal($"socket activation: fd {neverOpen} is not open; LISTEN_FDS counts more descriptors than the supervisor passed", error.Message);
    }
}
