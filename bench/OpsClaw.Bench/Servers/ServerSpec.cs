namespace OpsClaw.Bench;

/// <summary>Which of a server's output streams carries the line saying it accepts connections.</summary>
internal enum ReadyStream
{
    Stdout,
    Stderr,
}

/// <summary>
/// How to start one server in a fresh directory, which output line says it is ready, and where it
/// listens (a socket path, or <c>host:port</c> for TCP) given that directory and that line.
/// </summary>
internal sealed record ServerSpec(
    string Name,
    string FileName,
    Func<string, IReadOnlyList<string>> Arguments,
    Func<string, bool> IsReadyLine,
    Func<string, string, string> AddressOf,
    ReadyStream ReadyOn = ReadyStream.Stdout,
    int StopSignal = ServerSpec.SigTerm)
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    public const string OpsClawName = "opsclaw";
    public const string RawJsonName = "raw-json";
    public const string RawFixedName = "raw-fixed";

    /// <summary>An earlier build of the host, given with <c>--opsclaw-before</c>, for a before/after ratio taken in one run.</summary>
    public const string BeforeName = "opsclaw-before";

    /// <summary>The real host: <c>opsclaw ipc serve-sockets --dir</c>, measured on its runtime socket.</summary>
    public static ServerSpec OpsClaw(string executable, string name = OpsClawName) => new(
        name,
        executable,
        directory => ["ipc", "serve-sockets", "--dir", directory],
        line => line.StartsWith("opsclaw ipc ready", StringComparison.Ordinal),
        (_, line) => SocketOf(line, "runtime"));

    /// <summary>A baseline, run by this very executable in a process of its own.</summary>
    public static ServerSpec Baseline(BaselineKind kind) => new(
        kind == BaselineKind.RawJson ? RawJsonName : RawFixedName,
        Path.Combine(AppContext.BaseDirectory, "OpsClaw.Bench"),
        directory => [BaselineCommand.CommandName(kind), "--socket", Path.Combine(directory, "raw.sock")],
        line => line.StartsWith(RawServer.ReadyPrefix, StringComparison.Ordinal),
        (_, line) => line[RawServer.ReadyPrefix.Length..].Trim());

    /// <summary>A channel's socket in opsclaw's ready line, <c>opsclaw ipc ready runtime=&lt;path&gt; control=&lt;path&gt;</c>.</summary>
    public static string SocketOf(string readyLine, string channel)
    {
        var key = channel + "=";
        var start = readyLine.IndexOf(" " + key, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"no {channel} socket in the ready line: {readyLine}");
        }

        start += key.Length + 1;
        var end = readyLine.IndexOf(' ', start);
        return end < 0 ? readyLine[start..] : readyLine[start..end];
    }
}
