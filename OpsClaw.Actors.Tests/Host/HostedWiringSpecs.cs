using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;
using OpsClaw.Samples;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// WithOpsClawIpc inside a real generic host; the host's ActorSystem is handed to the TestKit
/// (Akka.Hosting.TestKit cannot share a project with Akka.TestKit.Xunit2).
/// </summary>
public sealed class HostedWiringSpecs : TestKit
{
    private readonly HostedIpc _hosted;

    public HostedWiringSpecs()
        : this(HostedIpc.Start())
    {
    }

    private HostedWiringSpecs(HostedIpc hosted)
        : base(hosted.System)
    {
        _hosted = hosted;
    }

    [Fact]
    public async Task Hosted_ipc_should_register_both_channel_actors_in_the_actor_registry()
    {
        var registry = ActorRegistry.For(Sys);

        var runtime = await registry.GetAsync<RuntimeChannelActor>();
        var control = await registry.GetAsync<ControlChannelActor>();

        runtime.Tell(new ChannelProtocol.Request(7, new IpcRequest("runtime.ping", "via-registry", "{}")), TestActor);
        var reply = await ExpectMsgAsync<ChannelProtocol.Reply>();
        Assert.Equal((7L, "runtime.pong", "via-registry"), (reply.Id, reply.Response.MessageType, reply.Response.RunId));
        control.Tell(new ChannelProtocol.Request(8, new IpcRequest("control.health", null, "{}")), TestActor);
        Assert.Equal("control.health.ok", (await ExpectMsgAsync<ChannelProtocol.Reply>()).Response.MessageType);
    }

    [Fact]
    public async Task Hosted_ipc_should_bind_where_the_options_say_with_the_options_limits()
    {
        var binding = await OpsClawIpc.Get(Sys).Ready;
        Assert.Equal(_hosted.Dir.SocketDir, binding.SocketDirectory);
        using var connection = await RawConnection.ConnectAsync(binding.PathOf("runtime"));

        await connection.WriteAsync(RawConnection.Request("runtime.ping", new string('x', 400)));

        Assert.Equal("ipc line exceeds 300 bytes", (string?)JObject.Parse((await connection.ReadLineAsync())!)["error"]);
    }

    [Fact]
    public async Task Hosted_ipc_should_serve_a_channel_added_with_AddChannel_on_its_own_socket()
    {
        var binding = await OpsClawIpc.Get(Sys).Ready;
        var metricsSocket = binding.PathOf("metrics");
        Assert.Equal(Path.Combine(_hosted.Dir.SocketDir, "metrics.sock"), metricsSocket);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(metricsSocket));
        Assert.Contains("metrics=" + metricsSocket, binding.ReadyLine(), StringComparison.Ordinal);
        using var connection = await RawConnection.ConnectAsync(metricsSocket);

        await connection.WriteAsync(RawConnection.Request("echo.tally", "t1") + RawConnection.Request("echo.tally", "t2"));

        Assert.Equal("{\"Count\":1}", (string?)JObject.Parse((await connection.ReadLineAsync())!)["payload_json"]);
        Assert.Equal("{\"Count\":2}", (string?)JObject.Parse((await connection.ReadLineAsync())!)["payload_json"]);
        var registered = await ActorRegistry.For(Sys).GetAsync<EchoChannel>();
        Assert.Equal("metrics", registered.Path.Name);
    }

    [Fact]
    public async Task Hosted_ipc_should_take_an_options_object_built_beforehand()
    {
        using var hosted = HostedIpc.Start((akka, dir) =>
        {
            var options = new OpsClawIpcOptions { SocketDirectory = dir.SocketDir, MaxLineBytes = 200 };
            options.AddChannel<EchoChannel>("echo");
            akka.WithOpsClawIpc(options);
        });

        var binding = await OpsClawIpc.Get(hosted.System).Ready;

        Assert.Equal(["runtime", "control", "echo"], binding.SocketPaths.Select(socket => socket.Key));
        using var connection = await RawConnection.ConnectAsync(binding.PathOf("echo"));
        await connection.WriteAsync(RawConnection.Request("echo.say", new string('x', 300)));
        Assert.Equal("ipc line exceeds 200 bytes", (string?)JObject.Parse((await connection.ReadLineAsync())!)["error"]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hosted.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class HostedIpc : IDisposable
    {
        private readonly IHost _host;

        private HostedIpc(IHost host, TempSocketDir dir)
        {
            _host = host;
            Dir = dir;
            System = host.Services.GetRequiredService<ActorSystem>();
        }

        public TempSocketDir Dir { get; }

        public ActorSystem System { get; }

        public static HostedIpc Start() => Start((akka, dir) => akka.WithOpsClawIpc(ipc =>
        {
            ipc.SocketDirectory = dir.SocketDir;
            ipc.MaxLineBytes = 300;
            ipc.AddChannel<EchoChannel>("metrics", channel => channel.SocketMode = "0600");
        }));

        public static HostedIpc Start(Action<AkkaConfigurationBuilder, TempSocketDir> configure)
        {
            var dir = new TempSocketDir();
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddAkka("hosted-spec", akka => configure(akka, dir));
            var host = builder.Build();
            host.StartAsync().GetAwaiter().GetResult();
            var hosted = new HostedIpc(host, dir);
            OpsClawIpc.Get(hosted.System).Ready.WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
            return hosted;
        }

        public void Dispose()
        {
            _host.StopAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
            _host.Dispose();
            Dir.Dispose();
        }
    }
}
