using System.CommandLine;
using OpsClaw.Actors;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Host;

/// <summary>
/// How every client command finds the host, as <c>docker</c> finds its daemon: <c>--socket</c> names
/// the socket itself; otherwise the channel's socket is looked for in <c>--dir</c>, else in
/// <c>$OPSCLAW_SOCKETS</c>, else in the default socket directory (<c>.opsclaw/sockets</c>).
/// </summary>
internal sealed class HostLocation
{
    /// <summary>The socket directory clients use when no flag names one, as <c>DOCKER_HOST</c> is for docker.</summary>
    public const string EnvironmentVariable = "OPSCLAW_SOCKETS";

    private readonly string? _channel;

    /// <param name="channel">The channel whose socket the command talks to when no <c>--socket</c> is given; null when each call of <see cref="Resolve"/> names it.</param>
    public HostLocation(string? channel)
    {
        _channel = channel;
        Dir = new Option<string?>("--dir")
        {
            Description = $"Socket directory of the host [default: ${EnvironmentVariable}, else .opsclaw/sockets].",
        };
        Socket = new Option<string?>("--socket")
        {
            Description = $"Path of the {channel ?? "channel's"} socket itself, instead of --dir or ${EnvironmentVariable}.",
        };
    }

    public Option<string?> Dir { get; }

    public Option<string?> Socket { get; }

    /// <summary>Adds the options to <paramref name="command"/>, and the rule that --socket stands alone.</summary>
    public void AddTo(Command command, params Option[] alsoExcludedBySocket)
    {
        command.Options.Add(Dir);
        command.Options.Add(Socket);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Socket) is null)
            {
                return;
            }

            foreach (var other in alsoExcludedBySocket.Prepend(Dir))
            {
                if (result.GetResult(other) is { Implicit: false })
                {
                    result.AddError($"--socket names the socket itself: leave out {other.Name}");
                }
            }
        });
    }

    /// <summary>The socket of <paramref name="channel"/> (the command's own channel when null), with where its path came from.</summary>
    public SocketTarget Resolve(ParseResult parse, string? channel = null)
    {
        if (parse.GetValue(Socket) is { } socket)
        {
            var path = Path.GetFullPath(socket);
            return new SocketTarget(path, Path.GetDirectoryName(path) ?? "/", SocketTarget.FromSocketOption);
        }

        var (directory, origin) = parse.GetValue(Dir) is { } dir
            ? (dir, "given by --dir")
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment
                ? (fromEnvironment, $"from ${EnvironmentVariable}")
                : (IpcSettings.Create(IpcDefaults.Config).SocketDirectory, "the default");
        var fullDirectory = Path.GetFullPath(directory);
        var name = channel ?? _channel ?? throw new InvalidOperationException("no channel to resolve");
        return new SocketTarget(SocketPaths.SocketPath(fullDirectory, name), fullDirectory, origin);
    }
}

/// <summary>A socket a client command connects to, its directory, and which setting chose it (for error messages).</summary>
/// <param name="Origin">"given by --socket", "given by --dir", "from $OPSCLAW_SOCKETS" or "the default".</param>
internal sealed record SocketTarget(string SocketPath, string Directory, string Origin)
{
    public const string FromSocketOption = "given by --socket";
}
