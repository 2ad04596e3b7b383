using System.Globalization;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using Newtonsoft.Json;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// One real opsclaw host in a cluster on loopback: its own socket directory and TCP port, a config
/// file naming the seed, started, signalled and killed by pid. Whatever process runs is killed on dispose.
/// </summary>
public sealed class ClusterNode : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly TempSocketDir _dir = new();
    private readonly string _config;
    private HostProcess? _process;

    /// <param name="port">This node's cluster port on 127.0.0.1.</param>
    /// <param name="seedPort">The seed's port (the first node's, itself included).</param>
    /// <param name="extraHocon">More settings for the node's config file.</param>
    public ClusterNode(int port, int seedPort, string extraHocon = "")
    {
        Port = port;
        Directory.CreateDirectory(_dir.Path);
        _config = Path.Combine(_dir.Path, "opsclaw.conf");

        // Failure detection and the resolver tuned down so a crash or a stop is acted on in seconds, not half a minute.
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $$"""
            opsclaw.cluster {
              enabled = on
              hostname = "127.0.0.1"
              port = {{port}}
              seed-nodes = ["127.0.0.1:{{seedPort}}"]
              stable-after = 2s
            }
            akka.cluster.failure-detector.heartbeat-interval = 500ms
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
            {{extraHocon}}
            """));
    }

    public int Port { get; }

    /// <summary>The node's address as the cluster writes it.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://opsclaw@127.0.0.1:{Port}");

    public string RuntimeSocket => _dir.Socket("runtime");

    public string ControlSocket => _dir.Socket("control");

    public int Pid => (_process ?? throw new InvalidOperationException("the node is not running")).Pid;

    /// <summary>The running host's stderr, for a failure message.</summary>
    public string Stderr => _process?.Stderr ?? "";

    /// <summary>Starts the host and returns once its sockets are bound (the cluster may not have formed yet).</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("the node is already running");
        }

        _process = await HostProcess.StartReadyAsync(_dir.Path, "ipc", "serve-sockets", "--config", _config, "--dir", _dir.SocketDir);
    }

    /// <summary>SIGKILL by pid, and waits until the process is gone.</summary>
    public Task KillAsync() => StopWithAsync(SigKill);

    /// <summary>SIGTERM by pid (an orderly stop: the node leaves the cluster), and waits until the process is gone.</summary>
    public Task TerminateAsync() => StopWithAsync(SigTerm);

    /// <summary>SIGSTOP: the process stays, but answers nothing, heartbeats included.</summary>
    public void Freeze() => (_process ?? throw new InvalidOperationException("the node is not running")).Signal(SigStop);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => (_process ?? throw new InvalidOperationException("the node is not running")).Signal(SigCont);

    /// <summary>Waits up to <paramref name="bound"/> for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        var process = _process ?? throw new InvalidOperationException("the node is not running");
        int code;
        try
        {
            code = await process.WaitForExitAsync(bound);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Address} did not exit within {bound.TotalSeconds} s; its stderr:\n{Stderr}");
        }

        process.Dispose();
        _process = null;
        return code;
    }

    /// <summary>The node's view of the cluster (<c>control.cluster</c>).</summary>
    public async Task<ClusterReport> ReportAsync()
    {
        await using var control = await IpcClient.ConnectAsync(ControlSocket);
        var response = await control.SendAsync(MessageTypes.ControlCluster, timeout: TimeSpan.FromSeconds(10));
        Assert.True(response.Ok, $"control.cluster failed on {Address}: {response.Error}");
        return JsonConvert.DeserializeObject<ClusterReport>(response.PayloadJson)!;
    }

    private async Task StopWithAsync(int signal)
    {
        var process = _process ?? throw new InvalidOperationException("the node is not running");
        process.Signal(signal);
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            // A frozen process does not die until it runs again.
            try
            {
                Thaw();
            }
            catch (InvalidOperationException)
            {
                // It has exited already.
            }

            process.Dispose();
        }

        _dir.Dispose();
    }
}
