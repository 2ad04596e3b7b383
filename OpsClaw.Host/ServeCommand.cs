using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsClaw.Actors;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Sockets;

namespace OpsClaw.Host;

/// <summary><c>opsclaw ipc serve-sockets [--dir] [--config] [--log-level] [--log-format] [--verbose] [--cluster …]</c>: serves until stopped.</summary>
internal static class ServeCommand
{
    /// <summary>The actor system's name; the nodes of a cluster share it, and their addresses carry it.</summary>
    private const string SystemName = "opsclaw";

    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Socket directory (default .opsclaw/sockets, or socket-dir from --config)." };
        var config = new Option<FileInfo?>("--config") { Description = "Extra HOCON file whose opsclaw.ipc settings override the defaults." };
        var (logLevel, logFormat, verbose) = ServeLogging.CreateOptions();
        var (clusterOptions, readCluster) = ClusterFlags.CreateOptions();
        var command = new Command("serve-sockets", "Serve the runtime and control sockets until stopped (SIGTERM, SIGINT or control.stop).")
        {
            dir, config, logLevel, logFormat, verbose,
        };
        foreach (var option in clusterOptions)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, _) => RunAsync(
            parse.GetValue(dir),
            parse.GetValue(config),
            readCluster(parse),
            ServeLogging.From(parse.GetValue(logLevel), parse.GetValue(logFormat), parse.GetValue(verbose))));
        return command;
    }

    private static async Task<int> RunAsync(string? dir, FileInfo? configFile, ClusterFlags cluster, ServeLogging logging)
    {
        TimeSpan? watchdogInterval;
        try
        {
            watchdogInterval = SystemdWatchdog.PingInterval();
        }
        catch (ConfigurationException ex)
        {
            return logging.Fail(ExitCodes.Usage, $"invalid configuration: {ex.Message}");
        }

        // Judged whole before anything starts, so a bad value is one clear line per problem and exit 2,
        // rather than a failed actor or a stack trace later.
        var (configuration, problems) = HostConfiguration.Load(configFile, dir, cluster);
        if (configuration is null)
        {
            return HostConfiguration.Refuse(problems);
        }

        using var host = BuildHost(configuration.FileConfig, configuration.Options, configuration.Settings.Cluster, logging);
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (IpcStartupException ex)
        {
            await StopQuietly(host).ConfigureAwait(false);
            return logging.Fail(ExitCodes.Usage, InFlags(ex));
        }
        catch (Exception ex)
        {
            await StopQuietly(host).ConfigureAwait(false);
            return logging.Fail(ExitCodes.Failure, $"could not start: {ex.Message}");
        }

        // SIGTERM, SIGINT and SIGHUP start the same orderly stop as control.stop: unbind, drain, remove
        // files. SIGHUP reloads nothing; the host exits 129 after it, so a supervisor that restarts on
        // failure (the shipped unit) starts it again with its configuration read afresh, and a host
        // whose terminal went away still stops cleanly. Registered before the ready line, so a
        // supervisor that signals as soon as it reads it is never too early.
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var hangUp = false;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => StopOnSignal(signal, lifetime));
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => StopOnSignal(signal, lifetime));
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            hangUp = true;
            StopOnSignal(signal, lifetime);
        });

        var binding = host.Services.GetRequiredService<IpcReadinessService>().Binding!;
        Console.Out.WriteLine(binding.ReadyLine());
        Console.Out.Flush();
        logging.Say(LogLevel.Information, $"serving {binding.SocketPaths.Count} channels in {binding.SocketDirectory} (pid {Environment.ProcessId})");
        ReadinessNotifier.Notify("READY=1");

        using var onStopping = lifetime.ApplicationStopping.Register(() => ReadinessNotifier.Notify("STOPPING=1"));
        var system = host.Services.GetRequiredService<ActorSystem>();
        var watchdog = watchdogInterval is { } interval
            ? SystemdWatchdog.RunAsync(system, interval, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OpsClaw.Host.Watchdog"), lifetime.ApplicationStopping)
            : Task.CompletedTask;
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        await watchdog.ConfigureAwait(false);

        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason is IpcFilesLostReason lost)
        {
            return logging.Fail(ExitCodes.Failure, "stopped: " + lost.Message);
        }

        if (reason is CoordinatedShutdown.ClusterDowningReason)
        {
            // Exit 1, so a supervisor that restarts on failure starts it again and it rejoins as a new member.
            return logging.Fail(
                ExitCodes.Failure,
                "stopped: the cluster downed this node (it was unreachable past the failure detector, or on the losing side of a partition); start it again to rejoin");
        }

        return hangUp
            ? logging.Fail(ExitCodes.HangUp, "stopped on SIGHUP (nothing is reloaded; exit 129 lets a supervisor start it again with its configuration read afresh)")
            : ExitCodes.Ok;
    }

    /// <summary>The library's remedies name settings; on this command line the socket directory is --dir.</summary>
    private static string InFlags(IpcStartupException refusal) =>
        refusal.Setting == SocketDirectory.Setting ? refusal.MessageNaming("--dir") : refusal.Message;

    private static IHost BuildHost(Config fileConfig, OpsClawIpcOptions options, ClusterSettings cluster, ServeLogging logging)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
        });

        logging.Configure(builder);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.AddSystemd();

        builder.Services.AddAkka(SystemName, (akka, services) =>
        {
            akka.WithHostLogging(services);
            if (!fileConfig.IsEmpty)
            {
                akka.AddHocon(fileConfig, HoconAddMode.Prepend);
            }

            akka.WithOpsClawCluster(cluster, SystemName);

            akka.WithOpsClawIpc(ipc =>
            {
                ipc.SocketDirectory = options.SocketDirectory;

                // Under socket activation (docs/deploy/README.md) the sockets come from systemd.
                ipc.AdoptPassedSockets = true;
                // IpcReadinessService awaits Ready and fails the start; this command reports why in one line.
                ipc.OnStartFailure = IpcStartFailure.ApplicationAwaitsReady;
            });
        });
        builder.Services.AddSingleton<IpcReadinessService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IpcReadinessService>());
        return builder.Build();
    }

    private static void StopOnSignal(PosixSignalContext signal, IHostApplicationLifetime lifetime)
    {
        // Cancel the runtime's default (immediate exit) so the host can stop in order.
        signal.Cancel = true;
        lifetime.StopApplication();
    }

    private static async Task StopQuietly(IHost host)
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Nothing more to release than what stopping already tried.
        }
    }
}
