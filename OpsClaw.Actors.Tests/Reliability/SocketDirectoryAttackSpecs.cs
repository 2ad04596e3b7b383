using Akka.Actor;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;
using OpsClaw.Actors.Tests.Sockets;
using OpsClaw.Actors.Tests.Support;
using Xunit.Abstractions;

namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// A local user who can write to the socket directory, or who swaps files in it, must not make the
/// host write, chmod or delete a file that is not the host's own (docs/reliability.md, Security).
/// </summary>
public sealed class SocketDirectoryAttackSpecs(ITestOutputHelper output) : SocketSpecBase
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode ReadOnlyByOwner = UnixFileMode.UserRead;

    private const int Rounds = 100;

    private string Victim => Path.Combine(Dir.Path, "victim");

    [RootFact]
    public async Task A_directory_owned_by_another_user_should_be_refused_and_its_lock_symlink_never_written_through()
    {
        CreateVictim();
        Directory.CreateDirectory(Dir.SocketDir, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.CreateSymbolicLink(Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName), Victim);
        PosixFiles.SetOwner(Dir.SocketDir, PosixFiles.OtherUid, PosixFiles.OtherUid);

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync());

        Assert.Equal(
            $"socket directory {Dir.SocketDir} is owned by uid {PosixFiles.OtherUid}, but opsclaw runs as uid 0; " +
            $"run 'chown 0 {Dir.SocketDir}' and 'chmod 700 {Dir.SocketDir}', or choose another socket directory (setting opsclaw.ipc.socket-dir)",
            error.Message);
        AssertVictimUntouched();
        Assert.False(File.Exists(Dir.Socket("runtime")));
    }

    [Fact]
    public async Task A_socket_directory_inside_a_directory_others_can_change_should_be_refused()
    {
        // Whoever can rename entries in a parent can put another directory at the socket directory's path.
        var shared = Path.Combine(Dir.Path, "shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("777", 8));
        var settings = $"opsclaw.ipc.socket-dir = \"{Path.Combine(shared, "sockets")}\"";

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync(settings));

        Assert.StartsWith($"socket directory {Path.Combine(shared, "sockets")} is inside {shared} (a directory of uid 0, mode 777), which users other than root", error.Message, StringComparison.Ordinal);

        // A sticky directory (as /tmp) is fine: others cannot rename or remove what they do not own.
        File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("1777", 8));
        var sticky = ActorSystem.Create("sticky", ActorSystemConfig + "\nakka.loglevel = OFF");
        try
        {
            var binding = await OpsClawIpc.Get(sticky).Start(Settings(settings), [ChannelDefinition.Runtime()]).WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(File.Exists(binding.PathOf("runtime")));
        }
        finally
        {
            await sticky.Terminate();
        }
    }

    [Fact]
    public async Task A_lock_file_left_readable_by_others_should_be_made_private_before_it_is_locked()
    {
        Directory.CreateDirectory(Dir.SocketDir, Private);
        var lockPath = Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName);
        await File.WriteAllTextAsync(lockPath, "999999\n");
        File.SetUnixFileMode(lockPath, (UnixFileMode)Convert.ToInt32("644", 8));

        await StartAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lockPath));
    }

    [Fact]
    public async Task A_socket_directory_that_is_a_symlink_should_be_refused_and_not_followed()
    {
        var real = Path.Combine(Dir.Path, "real");
        Directory.CreateDirectory(real, Private);
        File.CreateSymbolicLink(Dir.SocketDir, real);

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync());

        Assert.StartsWith($"socket directory {Dir.SocketDir} is a symbolic link; opsclaw does not follow it", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(real));
    }

    [Theory]
    [InlineData("symlink", "is a symbolic link; opsclaw will not follow it")]
    [InlineData("hardlink", "has 2 hard links, so writing it would change another file")]
    [InlineData("fifo", "is a FIFO, not a lock file")]
    [InlineData("directory", "is a directory, not a lock file")]
    public async Task A_lock_path_that_is_not_a_plain_file_of_ours_should_be_refused_and_never_written(string kind, string expected)
    {
        CreateVictim();
        Directory.CreateDirectory(Dir.SocketDir, Private);
        var lockPath = Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName);
        switch (kind)
        {
            case "symlink":
                File.CreateSymbolicLink(lockPath, Victim);
                break;
            case "hardlink":
                PosixFiles.HardLink(Victim, lockPath);
                break;
            case "fifo":
                PosixFiles.MakeFifo(lockPath);
                break;
            default:
                Directory.CreateDirectory(lockPath);
                break;
        }

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync());

        Assert.Contains($"{lockPath} {expected}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"remove it", error.Message, StringComparison.Ordinal);
        AssertVictimUntouched();
        Assert.False(File.Exists(Dir.Socket("runtime")));
    }

    [Fact]
    public void A_symlink_put_at_the_socket_path_between_bind_and_listen_should_be_refused_and_its_target_left_alone()
    {
        CreateVictim();
        Directory.CreateDirectory(Dir.SocketDir, Private);
        using var directory = SocketDirectory.Open(Dir.SocketDir);
        var socketPath = Dir.Socket("runtime");

        var error = Assert.Throws<IpcStartupException>(() => UnixListenSocket.Bind(
            directory,
            "runtime.sock",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            16,
            afterBind: () =>
            {
                File.CreateSymbolicLink(socketPath + ".swap", Victim);
                File.Move(socketPath + ".swap", socketPath, overwrite: true);
            }));

        Assert.StartsWith($"{socketPath} was replaced by a symbolic link of uid 0 while opsclaw bound it", error.Message, StringComparison.Ordinal);
        AssertVictimUntouched();
    }

    [RootFact]
    public async Task A_lock_file_of_another_user_should_be_refused_and_never_written()
    {
        Directory.CreateDirectory(Dir.SocketDir, Private);
        var lockPath = Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName);
        await File.WriteAllTextAsync(lockPath, "4242\n");
        PosixFiles.SetOwner(lockPath, PosixFiles.OtherUid, PosixFiles.OtherUid);

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync());

        Assert.Equal($"{lockPath} is owned by uid 65534, but opsclaw runs as uid 0: remove it ('rm {lockPath}') and start again", error.Message);
        Assert.Equal("4242\n", await File.ReadAllTextAsync(lockPath));
    }

    /// <summary>
    /// A racer waits for each new socket file and swaps a symlink to a read-only file in over it, in
    /// the window between bind() and listen() where the old code changed the mode by path.
    /// </summary>
    [Fact]
    public async Task A_symlink_swapped_in_right_after_bind_should_never_have_its_target_chmodded()
    {
        CreateVictim();
        Directory.CreateDirectory(Dir.SocketDir, Private);
        var (served, refused, swapped) = (0, 0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            var system = ActorSystem.Create("race" + round, ActorSystemConfig + "\nakka.loglevel = OFF");
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var racer = Task.Run(() => SwapInSymlinkOnceASocketAppears(Dir.Socket("runtime"), stop.Token));
            try
            {
                await OpsClawIpc.Get(system).Start(Settings(), [ChannelDefinition.Runtime()]).WaitAsync(TimeSpan.FromSeconds(15));
                served++;
            }
            catch (IpcStartupException ex)
            {
                Assert.Contains("runtime.sock", ex.Message, StringComparison.Ordinal);
                refused++;
            }
            finally
            {
                swapped += await racer ? 1 : 0;
                await system.Terminate();
                File.Delete(Dir.Socket("runtime"));
            }

            AssertVictimUntouched();
        }

        output.WriteLine($"{Rounds} starts: {served} served, {refused} refused, {swapped} socket files swapped for a symlink");
        Assert.Equal(Rounds, served + refused);
        Assert.True(swapped > 0, "the racer never swapped a socket file: the race was not exercised");
    }

    [Fact]
    public async Task A_host_whose_files_were_removed_should_stop_and_leave_the_next_hosts_files_alone()
    {
        var first = ActorSystem.Create("first", ActorSystemConfig + "\nakka.loglevel = OFF");
        try
        {
            await OpsClawIpc.Get(first).Start(Settings("opsclaw.ipc.files-check-interval = 200ms")).WaitAsync(TimeSpan.FromSeconds(15));

            // As `rm -rf` of the directory and a new host started in a re-created one would do.
            Directory.Delete(Dir.SocketDir, recursive: true);
            Directory.CreateDirectory(Dir.SocketDir, Private);
            var second = await StartAsync();

            await first.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(15));
            // Depending on when the check ran: before the second host made its lock file, or after.
            var reason = Assert.IsType<IpcFilesLostReason>(CoordinatedShutdown.Get(first).ShutdownReason);
            var lockPath = Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName);
            Assert.Contains(
                reason.Message,
                new[] { $"its lock file {lockPath} was replaced by another file (a regular file of uid 0) while it ran", $"its lock file {lockPath} was removed (or its directory was) while it ran" });
            Assert.True(File.Exists(Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName)));
            Assert.True(File.Exists(second.PathOf("runtime")) && File.Exists(second.PathOf("control")));
            await using var client = await IpcClient.ConnectAsync(second.PathOf("runtime"));
            Assert.True((await client.SendAsync("runtime.ping")).Ok);
        }
        finally
        {
            await first.Terminate();
        }
    }

    [Fact]
    public async Task A_host_whose_lock_file_was_unlinked_should_shut_down_naming_it()
    {
        var first = ActorSystem.Create("unlinked", ActorSystemConfig + "\nakka.loglevel = OFF");
        try
        {
            await OpsClawIpc.Get(first).Start(Settings("opsclaw.ipc.files-check-interval = 200ms")).WaitAsync(TimeSpan.FromSeconds(15));

            File.Delete(Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName));

            await first.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(15));
            var reason = Assert.IsType<IpcFilesLostReason>(CoordinatedShutdown.Get(first).ShutdownReason);
            Assert.Contains("was removed (or its directory was) while it ran", reason.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(Dir.SocketDir));
        }
        finally
        {
            await first.Terminate();
        }
    }

    private static bool SwapInSymlinkOnceASocketAppears(string socketPath, CancellationToken stop)
    {
        // The link is made beforehand, so only one rename(2) follows the moment a socket is seen.
        var link = socketPath + ".swap";
        File.CreateSymbolicLink(link, Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(socketPath))!, "victim"));
        while (!stop.IsCancellationRequested)
        {
            if (Native.KindOf(socketPath) == Native.PathKind.Socket)
            {
                File.Move(link, socketPath, overwrite: true);
                return true;
            }
        }

        File.Delete(link);
        return false;
    }

    private void CreateVictim()
    {
        Directory.CreateDirectory(Dir.Path);
        File.WriteAllText(Victim, "precious\n");
        File.SetUnixFileMode(Victim, ReadOnlyByOwner);
    }

    private void AssertVictimUntouched()
    {
        Assert.Equal(ReadOnlyByOwner, File.GetUnixFileMode(Victim));
        Assert.Equal("precious\n", File.ReadAllText(Victim));
    }
}
