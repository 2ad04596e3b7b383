using System.Diagnostics;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Reliability;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// An idle host exits well before the 2 s linger would end after SIGTERM (its shutdown takes tens of
/// milliseconds; the bound leaves room for a loaded machine), with or without idle clients connected. A
/// stopping host lingers up to 2 s for each client that keeps its side open after the host's end of
/// stream (docs/protocol.md §7); the C# client, and so <c>status --watch</c>, used to do exactly
/// that, which held the host's exit back by up to 2 s. Timed, so these run in the serial collection,
/// away from the parallel specs' load.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostExitSpecs : IDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan WellUnderTheLinger = TimeSpan.FromSeconds(1.5);
    private readonly TempSocketDir _dir = new();

    public HostExitSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private Task<HostProcess> StartHostAsync() => HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--dir", _dir.SocketDir);

    [Fact]
    public async Task An_idle_host_should_exit_well_before_the_linger_would_end_after_SIGTERM()
    {
        using var host = await StartHostAsync();
        Assert.Equal(0, (await HostProcess.RunAsync(_dir.Path, "ping", "--dir", _dir.SocketDir)).ExitCode);

        var clock = Stopwatch.StartNew();
        host.Signal(SigTerm);
        Assert.Equal(0, await host.WaitForExitAsync());

        Assert.True(clock.Elapsed < WellUnderTheLinger, $"exit took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_host_with_idle_clients_connected_should_exit_well_before_the_linger_would_end_after_SIGTERM_and_so_should_status_watch()
    {
        using var host = await StartHostAsync();
        await using var client = await IpcClient.ConnectAsync(_dir.Socket("runtime"));
        Assert.True((await client.SendAsync("runtime.ping")).Ok);
        using var watch = HostProcess.Start(_dir.Path, "status", "--dir", _dir.SocketDir, "--watch");
        await watch.WaitForStdoutAsync(stdout => stdout.Contains("CHANNEL ", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        host.Signal(SigTerm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var hostExit = clock.Elapsed;
        var watchExit = await watch.WaitForExitAsync();
        var watchEnded = clock.Elapsed;

        Assert.True(hostExit < WellUnderTheLinger, $"the host's exit took {hostExit.TotalMilliseconds:0} ms");
        Assert.True(watchEnded < WellUnderTheLinger, $"status --watch ended {watchEnded.TotalMilliseconds:0} ms after the signal");
        Assert.Equal(2, watchExit);
        Assert.StartsWith("opsclaw: ", Assert.Single(watch.Stderr.Split('\n')), StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }
}
