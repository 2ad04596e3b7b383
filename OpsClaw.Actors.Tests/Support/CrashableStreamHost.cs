using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// The real opsclaw executable declaring the stream <c>orders</c> (<c>orders.&gt;</c>) on the given
/// storage, in a fresh socket directory: started, killed with SIGKILL by pid, and started again on
/// the same storage. Whatever process is running is killed by pid on dispose.
/// </summary>
public sealed class CrashableStreamHost : IDisposable
{
    private const int SigKill = 9;
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(30);

    private readonly TempSocketDir _dir;
    private readonly string _config;
    private HostProcess? _process;

    /// <param name="dir">The directory the host runs in; its sockets go to <see cref="TempSocketDir.SocketDir"/>.</param>
    /// <param name="storageHocon">The <c>opsclaw.broker.storage</c> settings, as HOCON lines.</param>
    public CrashableStreamHost(TempSocketDir dir, string storageHocon)
    {
        _dir = dir;
        _config = Path.Combine(dir.Path, "opsclaw.conf");
        File.WriteAllText(_config, storageHocon + "\nopsclaw.broker.streams.orders { subjects = [\"orders.>\"] }\n");
    }

    public string RuntimeSocket => _dir.Socket("runtime");

    public string ControlSocket => _dir.Socket("control");

    /// <summary>The running host's stderr, for a failure message.</summary>
    public string Stderr => _process?.Stderr ?? "";

    /// <summary>Starts the host and returns once it is ready and its stream has recovered.</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("the host is already running");
        }

        _process = await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--config", _config, "--dir", _dir.SocketDir);
        await WaitForStreamReadyAsync();
    }

    /// <summary>SIGKILL by pid, and waits until the process is gone: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("the host is not running");
        process.Signal(SigKill);
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>The stream's report (<c>control.streams</c>).</summary>
    public async Task<StreamInfo> StreamAsync()
    {
        await using var control = await IpcClient.ConnectAsync(ControlSocket);
        return Assert.Single((await control.StreamsAsync(ReadyWait)).Streams);
    }

    /// <summary>
    /// Polls <c>control.streams</c> every 50 ms until the stream is <c>ready</c> (it is <c>recovering</c>
    /// while it reads its journal); there is no event to await across the process boundary.
    /// </summary>
    private async Task WaitForStreamReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyWait;
        while ((await StreamAsync()).Status != "ready")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the stream was not ready within {ReadyWait.TotalSeconds} s; host stderr:\n{Stderr}");
            await Task.Delay(50);
        }
    }

    public void Dispose() => _process?.Dispose();
}
