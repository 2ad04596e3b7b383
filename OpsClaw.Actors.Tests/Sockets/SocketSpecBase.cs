using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>Starts the real IPC subsystem in the spec's actor system, on sockets in a fresh temp directory.</summary>
public abstract class SocketSpecBase : TestKit
{
    protected SocketSpecBase()
        : base(ActorSystemConfig)
    {
    }

    /// <summary>
    /// The spec's own actor system, as an embedder would configure it: the drain phase long enough for
    /// shutdown-drain-timeout (Start refuses a phase that would cut it short).
    /// </summary>
    protected const string ActorSystemConfig =
        "akka.coordinated-shutdown.exit-clr = off\nakka.coordinated-shutdown.phases.service-requests-done.timeout = 30s";

    protected TempSocketDir Dir { get; } = new();

    protected IpcSettings Settings(string hocon = "") =>
        IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.socket-dir = \"{Dir.SocketDir}\"\n{hocon}"));

    protected Task<IpcBinding> StartAsync(string hocon = "") =>
        StartAsync(hocon, [ChannelDefinition.Runtime(), ChannelDefinition.Control(), TestChannelActor.Definition()]);

    protected Task<IpcBinding> StartAsync(string hocon, IReadOnlyList<ChannelDefinition> channels) =>
        OpsClawIpc.Get(Sys).Start(Settings(hocon), channels).WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>Sends one request on a fresh connection and returns the reply as JSON.</summary>
    protected static async Task<JObject> RequestAsync(string socketPath, string messageType, string payloadJson = "{}")
    {
        using var connection = await RawConnection.ConnectAsync(socketPath);
        await connection.WriteAsync(RawConnection.Request(messageType, "spec", payloadJson));
        return JObject.Parse((await connection.ReadLineAsync())!);
    }

    /// <summary>The parsed <c>payload_json</c> of a success reply.</summary>
    protected static JObject PayloadOf(JObject reply)
    {
        Assert.True((bool?)reply["ok"], reply.ToString());
        return JObject.Parse((string)reply["payload_json"]!);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Dir.Dispose();
        }
    }
}
