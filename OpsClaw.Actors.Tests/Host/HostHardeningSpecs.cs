using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>The opsclaw executable when its files are tampered with or it gets signals a daemon must expect.</summary>
public sealed class HostHardeningSpecs : IDisposable
{
    private const int SigHup = 1;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TempSocketDir _dir = new();

    public HostHardeningSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    /// <summary>Starts the host on this spec's directory with <paramref name="hocon"/> as its --config file, once it is ready.</summary>
    private async Task<HostProcess> StartWithConfigAsync(string hocon)
    {
        var config = Path.Combine(_dir.Path, "host.conf");
        await File.WriteAllTextAsync(config, hocon + "\n");
        return await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir, "--config", config);
    }

    private string LockPath => Path.Combine(_dir.SocketDir, "opsclaw.lock");

    [Theory]
    [InlineData("fifo", "is a FIFO, not a lock file")]
    [InlineData("directory", "is a directory, not a lock file")]
    public async Task A_lock_path_that_is_not_a_file_should_end_the_host_at_once_with_exit_2_and_one_line(string kind, string expected)
    {
        Directory.CreateDirectory(_dir.SocketDir, Private);
        if (kind == "fifo")
        {
            PosixFiles.MakeFifo(LockPath);
        }
        else
        {
            Directory.CreateDirectory(LockPath);
        }

        var result = await HostProcess.RunAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"opsclaw: {LockPath} {expected}: remove it ('{(kind == "fifo" ? "rm" : "rmdir")} {LockPath}') and start again", line);
    }

    [Fact]
    public async Task A_host_whose_directory_was_replaced_should_exit_1_with_one_line_and_leave_the_new_hosts_files()
    {
        using var first = await StartWithConfigAsync("opsclaw.ipc.files-check-interval = 200ms");
        await first.WaitForStderrAsync(stderr => stderr.Contains("serving", StringComparison.Ordinal));

        Directory.Delete(_dir.SocketDir, recursive: true);
        using var second = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await second.WaitForReadyAsync();

        Assert.Equal(1, await first.WaitForExitAsync());
        var lines = first.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"opsclaw: stopped: its lock file {LockPath} was ", lines[^1], StringComparison.Ordinal);
        Assert.True(File.Exists(LockPath) && File.Exists(_dir.Socket("runtime")) && File.Exists(_dir.Socket("control")), "the second host's files were removed");
        var ping = await HostProcess.RunAsync(_dir.Path, "ipc", "send", "--socket", _dir.Socket("runtime"), "--type", "runtime.ping");
        Assert.Equal(0, ping.ExitCode);
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    /// <summary>A host that cannot remove its files at the end (here: a non-root host whose directory was made read-only) still stops cleanly; the next start reclaims them.</summary>
    [RootFact]
    public async Task A_host_that_cannot_remove_its_socket_files_on_stop_should_still_exit_0_and_the_next_host_reclaim_them()
    {
        Directory.CreateDirectory(_dir.SocketDir, Private);
        PosixFiles.SetOwner(_dir.SocketDir, PosixFiles.OtherUid, PosixFiles.OtherUid);
        string[] asNobody = ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp"];
        using (var host = HostProcess.Start(_dir.Path, [.. asNobody, HostProcess.ExecutablePath, "ipc", "serve-sockets", "--dir", _dir.SocketDir]))
        {
            await host.WaitForReadyAsync();
            File.SetUnixFileMode(_dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            host.Signal(15);

            // Its warning may be lost with the actor system's last log messages; the file left behind is what counts.
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        Assert.True(File.Exists(_dir.Socket("runtime")));
        File.SetUnixFileMode(_dir.SocketDir, Private);
        using var next = HostProcess.Start(_dir.Path, [.. asNobody, HostProcess.ExecutablePath, "ipc", "serve-sockets", "--dir", _dir.SocketDir]);
        await next.WaitForReadyAsync();
        next.Signal(15);
        Assert.Equal(0, await next.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
    }

    [Fact]
    public async Task Sighup_should_stop_the_host_gracefully_remove_its_files_and_exit_129_for_a_restart()
    {
        using var host = HostProcess.Start(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
        await host.WaitForReadyAsync();
        using var connection = await RawConnection.ConnectAsync(_dir.Socket("runtime"));
        await connection.WriteAsync(RawConnection.Request("runtime.ping", "before"));
        Assert.Contains("\"run_id\":\"before\"", await connection.ReadLineAsync(), StringComparison.Ordinal);

        host.Signal(SigHup);

        // Drained, not killed: the open connection sees a clean end of stream.
        Assert.Null(await connection.ReadLineAsync());
        Assert.Equal(129, await host.WaitForExitAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.SocketDir));
        Assert.EndsWith("opsclaw: stopped on SIGHUP (nothing is reloaded; exit 129 lets a supervisor start it again with its configuration read afresh)", host.Stderr, StringComparison.Ordinal);
    }
}
