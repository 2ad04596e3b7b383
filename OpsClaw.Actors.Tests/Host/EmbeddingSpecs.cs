using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;
using OpsClaw.Samples;

namespace OpsClaw.Actors.Tests.Host;

/// <summary>
/// An application embedding OpsClaw in a generic host, as docs/extending.md shows it: a refused start
/// fails the host's start unless the application opts out, and the health check says how the sockets are.
/// </summary>
public sealed class EmbeddingSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();
    private readonly List<IHost> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.StopAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
            host.Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task A_bad_channel_name_should_make_the_hosts_start_throw()
    {
        var host = Build(ipc => ipc.AddChannel<EchoChannel>("../echo"));

        var refused = await Assert.ThrowsAsync<IpcStartupException>(() => host.StartAsync());

        Assert.StartsWith("channel name \"../echo\" cannot name a socket file", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.SocketDir) && Directory.EnumerateFileSystemEntries(_dir.SocketDir, "*.sock").Any());
    }

    [Fact]
    public async Task A_directory_another_host_serves_should_make_the_hosts_start_throw_naming_the_setting()
    {
        var first = Build();
        await first.StartAsync();
        var second = Build();

        var refused = await Assert.ThrowsAsync<IpcStartupException>(() => second.StartAsync());

        Assert.Equal(
            $"socket directory {_dir.SocketDir} is in use by another opsclaw host (pid {Environment.ProcessId}); " +
            "stop it first or choose another socket directory (setting opsclaw.ipc.socket-dir)",
            refused.Message);
        Assert.True((await HealthOf(first)).Status == HealthStatus.Healthy, "the first host serves on");
    }

    [Fact]
    public async Task An_application_that_opts_out_should_keep_running_log_the_refusal_as_an_error_and_report_it_unhealthy()
    {
        var first = Build();
        await first.StartAsync();
        var logs = new CollectingLoggerProvider();
        var second = Build(ipc => ipc.OnStartFailure = IpcStartFailure.LogAndKeepRunning, logs);

        await second.StartAsync();

        var system = second.Services.GetRequiredService<ActorSystem>();
        await Assert.ThrowsAsync<IpcStartupException>(() => OpsClawIpc.Get(system).Ready);
        var error = await EventuallyAsync(() => logs.Entries.SingleOrDefault(entry => entry.Level == LogLevel.Error));
        Assert.Equal("OpsClaw.Actors.Ipc.OpsClawIpc", error.Category);
        Assert.Contains("runs without its sockets", error.Message, StringComparison.Ordinal);
        Assert.Contains("(setting opsclaw.ipc.socket-dir)", error.Message, StringComparison.Ordinal);
        Assert.False(system.WhenTerminated.IsCompleted);
        Assert.False(second.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);

        var health = await HealthOf(second);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.StartsWith("OpsClaw IPC could not start: socket directory", health.Description, StringComparison.Ordinal);
        Assert.IsType<IpcStartupException>(health.Exception);
        Assert.Equal(Channels("failed"), health.Data);
    }

    [Fact]
    public async Task An_application_that_awaits_ready_itself_should_start_and_find_the_refusal_in_ready_with_nothing_logged()
    {
        var first = Build();
        await first.StartAsync();
        var logs = new CollectingLoggerProvider();
        var second = Build(ipc => ipc.OnStartFailure = IpcStartFailure.ApplicationAwaitsReady, logs);

        await second.StartAsync();

        await Assert.ThrowsAsync<IpcStartupException>(() => OpsClawIpc.Get(second.Services.GetRequiredService<ActorSystem>()).Ready);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_health_check_should_report_not_started_then_each_channel_serving_then_stopped()
    {
        var host = Build();

        var before = await HealthOf(host);
        await host.StartAsync();
        var serving = await HealthOf(host);
        await host.StopAsync(TimeSpan.FromSeconds(15));
        var after = await HealthOf(host);

        Assert.Equal((HealthStatus.Unhealthy, "OpsClaw IPC is not started"), (before.Status, before.Description));
        Assert.Equal((HealthStatus.Healthy, $"OpsClaw IPC is serving 3 channels in {_dir.SocketDir}"), (serving.Status, serving.Description));
        Assert.Equal(Channels("serving"), serving.Data);
        Assert.Equal((HealthStatus.Unhealthy, "OpsClaw IPC is stopped"), (after.Status, after.Description));
        Assert.Equal(Channels("stopped"), after.Data);
    }

    [Fact]
    public async Task The_health_check_should_report_unbound_sockets_once_the_stop_has_unbound_them()
    {
        var host = Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        // What the service-unbind phase of CoordinatedShutdown asks, without going on to terminate.
        await OpsClawIpc.Get(system).Root!.Ask<object>(OpsClaw.Actors.Sockets.IpcShutdown.Unbind.Instance, TimeSpan.FromSeconds(10));
        var unbound = await HealthOf(host);

        Assert.Equal((HealthStatus.Unhealthy, "OpsClaw IPC is not serving: its sockets are unbound"), (unbound.Status, unbound.Description));
        Assert.Equal(Channels("unbound"), unbound.Data);
        Assert.False(File.Exists(_dir.Socket("runtime")));
    }

    private static Dictionary<string, object> Channels(string state) =>
        new() { ["runtime"] = state, ["control"] = state, ["echo"] = state };

    private static async Task<HealthReportEntry> HealthOf(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[OpsClawIpcHostingExtensions.HealthCheckName];
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        for (var found = probe(); ; found = probe())
        {
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "not seen within 10 s");
            await Task.Delay(20);
        }
    }

    /// <summary>A host as docs/extending.md builds one: host logging, OpsClaw IPC with the echo channel, its health check.</summary>
    private IHost Build(Action<OpsClawIpcOptions>? configure = null, CollectingLoggerProvider? logs = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddHealthChecks();
        builder.Services.AddAkka("embedding-spec", (akka, services) => akka
            .WithHostLogging(services)
            .WithOpsClawIpc(ipc =>
            {
                ipc.SocketDirectory = _dir.SocketDir;
                ipc.AddChannel<EchoChannel>("echo");
                configure?.Invoke(ipc);
            })
            .WithOpsClawIpcHealthCheck());
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }
}
