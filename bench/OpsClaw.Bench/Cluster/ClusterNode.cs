using System.Globalization;

namespace OpsClaw.Bench;

/// <summary>
/// One opsclaw host of the bench's cluster: a <see cref="ServerProcess"/> serving its sockets in a
/// fresh temporary directory and joining the others over TCP on 127.0.0.1.
/// </summary>
internal sealed class ClusterNode(string name, ServerProcess process, int port)
{
    public string Name { get; } = name;

    public ServerProcess Process { get; } = process;

    /// <summary>Its cluster port on 127.0.0.1.</summary>
    public int Port { get; } = port;

    public string RuntimeSocket => Process.SocketPath;

    public string ControlSocket { get; } = ServerSpec.SocketOf(process.ReadyLine, "control");

    /// <summary>Its address as the cluster writes it (its own <c>control.cluster</c>'s <c>self</c>); empty until the cluster has formed.</summary>
    public string Address { get; set; } = "";

    /// <summary>
    /// <c>opsclaw ipc serve-sockets</c> with the cluster flags: this node on 127.0.0.1:<paramref name="port"/>,
    /// joining through the seed on <paramref name="seedPort"/> (the seed lists itself, and so forms the cluster),
    /// with <paramref name="config"/> as its <c>--config</c> file when given (the flags take precedence over it).
    /// </summary>
    public static ServerSpec Spec(string executable, string name, int port, int seedPort, string? config) =>
        ServerSpec.OpsClaw(executable, name) with
        {
            Arguments = directory =>
            [
                "ipc", "serve-sockets", "--dir", directory,
                "--cluster-hostname", "127.0.0.1",
                "--cluster-port", port.ToString(CultureInfo.InvariantCulture),
                "--seed-node", "127.0.0.1:" + seedPort.ToString(CultureInfo.InvariantCulture),
                .. config is null ? Array.Empty<string>() : ["--config", config],
            ],
        };

    public Task<ClusterView> ViewAsync(CancellationToken cancel) => ClusterControl.ViewAsync(ControlSocket, cancel);
}
