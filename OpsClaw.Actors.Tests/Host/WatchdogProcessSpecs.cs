using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// The opsclaw executable under a supervisor's watchdog (systemd's <c>WatchdogSec=</c>): the spec
/// plays systemd with its own <c>$NOTIFY_SOCKET</c> and <c>WATCHDOG_USEC</c>. That a ping stops when
/// the actors cannot run is <c>Reliability/IpcWatchdogSpecs</c>.
/// </summary>
public sealed class WatchdogProcessSpecs : IDisposable
{
    private const int SigTerm = 15;
    private readonly TempSocketDir _dir = new();
    private readonly NotifySocket _notify;

    public WatchdogProcessSpecs()
    {
        Directory.CreateDirectory(_dir.Path);
        _notify = new NotifySocket(_dir.Path);
    }

    public void Dispose()
    {
        _notify.Dispose();
        _dir.Dispose();
    }

    private HostProcess StartHost(params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _notify.Path };
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return HostProcess.Start(_dir.Path, environment, "ipc", "serve-sockets", "--dir", _dir.SocketDir);
    }

    [Fact]
    public async Task Host_should_ping_at_half_the_watchdog_timeout_from_ready_until_it_stops()
    {
        // A 1 s timeout: a ping every 500 ms.
        using var host = StartHost(("WATCHDOG_USEC", "1000000"));

        Assert.Equal("READY=1", (await _notify.ReceiveAsync()).State);
        var pings = new List<TimeSpan>();
        while (pings.Count < 13)
        {
            var (state, at) = await _notify.ReceiveAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("WATCHDOG=1", state);
            pings.Add(at);
        }

        // The first two are left out: the first question pays for the JIT, and a late first answer
        // brings the next tick at once. The rest are measured as a whole, not gap by gap: the times
        // are when this process read the pings, and a busy test process reads two at once now and
        // then (a 1,271 ms gap and then a 0.06 ms one were seen on a loaded machine).
        var measured = pings.Skip(2).ToList();
        var gaps = measured.Zip(measured.Skip(1), (earlier, later) => later - earlier).ToList();
        var mean = (measured[^1] - measured[0]) / gaps.Count;
        Assert.True(mean >= TimeSpan.FromMilliseconds(350) && mean <= TimeSpan.FromMilliseconds(800), $"mean gap {mean.TotalMilliseconds} ms: {string.Join(", ", gaps.Select(gap => gap.TotalMilliseconds))}");

        host.Signal(SigTerm);
        string last;
        do
        {
            last = (await _notify.ReceiveAsync(TimeSpan.FromSeconds(10))).State;
        }
        while (last == "WATCHDOG=1");

        Assert.Equal("STOPPING=1", last);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Host_should_not_feed_a_watchdog_meant_for_another_process()
    {
        using var host = StartHost(("WATCHDOG_USEC", "1000000"), ("WATCHDOG_PID", "1"));
        Assert.Equal("READY=1", (await _notify.ReceiveAsync()).State);

        // Three ping periods with nothing; then the stop is the next thing said.
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        host.Signal(SigTerm);

        Assert.Equal("STOPPING=1", (await _notify.ReceiveAsync(TimeSpan.FromSeconds(10))).State);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Host_should_exit_2_naming_a_malformed_watchdog_timeout()
    {
        using var host = StartHost(("WATCHDOG_USEC", "soon"));

        Assert.Equal(2, await host.WaitForExitAsync());
        Assert.Equal("opsclaw: invalid configuration: WATCHDOG_USEC=soon is not a watchdog timeout in microseconds (a whole number above 1)", host.Stderr);
    }
}
