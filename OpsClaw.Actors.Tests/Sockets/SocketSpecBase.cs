using Akka.Configuration;
using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>Starts the real IPC subsystem in the spec's actor system, on sockets in a fresh temp directory.</summary>
public abstract class SocketSpecBase : TestKit
{
    protected SocketSpecBase()
        : base("akka.coordinated-shutdown.exit-clr = off")
    {
    }

    protected TempSocketDir Dir { get; } = new();

    protected IpcSettings Settings(string hocon = "") =>
        IpcSettings.Create(ConfigurationFactory.ParseString($"opsclaw.ipc.socket-dir = \"{Dir.SocketDir}\"\n{hocon}"));

    protected Task<IpcBinding> StartAsync(string hocon = "") =>
        OpsClawIpc.Get(Sys)
            .Start(Settings(hocon), [ChannelDefinition.Runtime(), ChannelDefinition.Control(), TestChannelActor.Definition()])
            .WaitAsync(TimeSpan.FromSeconds(15));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Dir.Dispose();
        }
    }
}
