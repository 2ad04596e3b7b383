using System.Globalization;

namespace OpsClaw.Bench;

/// <summary>
/// The two brokers opsclaw is compared with, each started by the bench in a fresh temporary
/// directory: Redis on a Unix socket only (no TCP port, no persistence) and NATS core on a port of
/// loopback that it picks itself. Both run with their defaults otherwise.
/// </summary>
internal static class BrokerServers
{
    public const string RedisName = "redis";
    public const string NatsName = "nats";

    /// <summary>Debian puts nats-server in /usr/sbin, which a non-root PATH may lack.</summary>
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

    private const string NatsListening = "Listening for client connections on ";

    /// <summary><c>redis-server</c> with no config file, so nothing of a system-wide Redis applies.</summary>
    public static ServerSpec Redis(string executable) => new(
        RedisName,
        executable,
        directory =>
        [
            "--port", "0",
            "--unixsocket", Path.Combine(directory, "redis.sock"),
            "--unixsocketperm", "700",
            "--save", "",
            "--appendonly", "no",
            "--dir", directory,
            "--daemonize", "no",
            "--loglevel", "notice",
        ],
        line => line.Contains("ready to accept connections", StringComparison.OrdinalIgnoreCase),
        (directory, _) => Path.Combine(directory, "redis.sock"));

    /// <summary>
    /// <c>nats-server</c> on 127.0.0.1, port chosen by the server (<c>-p -1</c>) and read from its log on
    /// stderr. Stopped with SIGINT: it shuts down the same way on SIGTERM but then exits with 1.
    /// </summary>
    public static ServerSpec Nats(string executable) => new(
        NatsName,
        executable,
        _ => ["-a", "127.0.0.1", "-p", "-1"],
        line => line.Contains(NatsListening, StringComparison.Ordinal),
        (_, line) => NatsAddress(line),
        ReadyStream.Stderr,
        ServerSpec.SigInt);

    /// <summary>The executable's full path from PATH and the usual system directories, or null.</summary>
    public static string? Locate(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    private static string NatsAddress(string line)
    {
        var address = line[(line.IndexOf(NatsListening, StringComparison.Ordinal) + NatsListening.Length)..].Trim();
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? address
            : throw new InvalidOperationException($"no address in nats-server's line: {line}");
    }
}
