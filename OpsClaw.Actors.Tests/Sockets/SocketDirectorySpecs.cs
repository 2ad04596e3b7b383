using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Actors.Tests.Sockets;

public sealed class SocketDirectorySpecs : SocketSpecBase
{
    [Fact]
    public async Task Start_should_reclaim_a_stale_socket_left_by_a_dead_host()
    {
        Directory.CreateDirectory(Dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var stale = Dir.Socket("runtime");
        using (var leftover = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // Bind elsewhere and move the file into place: disposing then cannot delete it, as after a crash.
            var elsewhere = Path.Combine(Dir.SocketDir, "elsewhere.sock");
            leftover.Bind(new UnixDomainSocketEndPoint(elsewhere));
            File.Move(elsewhere, stale);
        }

        Assert.True(File.Exists(stale));

        var binding = await StartAsync();

        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        Assert.Equal("runtime.pong", (await client.SendAsync("runtime.ping")).MessageType);
    }

    [Fact]
    public async Task Start_should_refuse_and_never_touch_a_path_that_is_not_a_socket()
    {
        Directory.CreateDirectory(Dir.SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Dir.Socket("control"), "keep me");

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync());

        Assert.Contains("is not a socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Dir.Socket("control")));
    }

    [Fact]
    public async Task Start_should_refuse_a_socket_path_over_107_bytes_and_say_so()
    {
        var longDir = Path.Combine(Dir.Path, new string('d', 100));
        var settings = IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.socket-dir = \"{longDir}\""));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => OpsClawIpc.Get(Sys).Start(settings).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("limited to 107 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(longDir));
    }

    [Fact]
    public async Task Start_should_refuse_a_directory_other_users_can_write()
    {
        Directory.CreateDirectory(Dir.SocketDir);
        File.SetUnixFileMode(Dir.SocketDir, (UnixFileMode)Convert.ToInt32("777", 8));

        var error = await Assert.ThrowsAsync<IpcStartupException>(() => StartAsync());

        Assert.Contains("writable by other users", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_host_on_the_same_directory_should_be_refused_naming_the_holder_and_leave_the_first_serving()
    {
        var binding = await StartAsync();
        var second = ActorSystem.Create("second", ActorSystemConfig);
        try
        {
            var settings = IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.socket-dir = \"{Dir.SocketDir}\""));

            var error = await Assert.ThrowsAsync<IpcStartupException>(() => OpsClawIpc.Get(second).Start(settings).WaitAsync(TimeSpan.FromSeconds(10)));

            Assert.Contains(Dir.SocketDir, error.Message, StringComparison.Ordinal);
            Assert.Contains($"pid {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await second.Terminate();
        }

        Assert.True(File.Exists(Path.Combine(Dir.SocketDir, SocketDirectoryLock.FileName)));
        await using var client = await IpcClient.ConnectAsync(binding.PathOf("runtime"));
        Assert.True((await client.SendAsync("runtime.ping")).Ok);
    }

    [Theory]
    [InlineData(0u, false, true)]
    [InlineData(1000u, false, true)]
    [InlineData(1001u, false, false)]
    [InlineData(4242u, false, true)]
    [InlineData(1001u, true, true)]
    public void Channel_settings_should_admit_the_host_uid_root_and_listed_uids(uint peer, bool allowAny, bool admitted)
    {
        var settings = new ChannelSettings(UnixFileMode.UserRead, allowAny, [4242u]);

        Assert.Equal(admitted, settings.Admits(peer, hostUid: 1000));
    }
}
