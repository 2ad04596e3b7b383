using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsClaw.Actors;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;
using OpsClaw.Samples;

// An application that embeds OpsClaw: the generic host runs an actor system that serves the built-in
// runtime and control channels and the echo channel of docs/extending.md, until SIGTERM, SIGINT or
// control.stop. Usage: OpsClaw.Samples <socket-dir> [<settings.conf>], the file being HOCON
// (opsclaw.ipc settings, e.g. opsclaw.ipc.channels.echo { socket-mode = "0600" }).
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: OpsClaw.Samples <socket-dir> [<settings.conf>]");
    return 2;
}

var settings = args.Length == 2 ? ConfigurationFactory.ParseString(File.ReadAllText(args[1])) : Config.Empty;

var builder = Host.CreateApplicationBuilder();

// stdout carries only the ready line; every log line, Akka's included, goes to stderr.
builder.Logging.ClearProviders().AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddAkka("echo-sample", akka =>
{
    akka.ConfigureLoggers(loggers =>
    {
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    });
    akka.AddHocon(settings, HoconAddMode.Prepend);
    akka.WithOpsClawIpc(ipc =>
    {
        ipc.SocketDirectory = args[0];
        ipc.AddChannel<EchoChannel>("echo");
    });
});

using var host = builder.Build();
await host.StartAsync();

var system = host.Services.GetRequiredService<ActorSystem>();
try
{
    var binding = await OpsClawIpc.Get(system).Ready;
    Console.WriteLine(binding.ReadyLine());
}
catch (IpcStartupException ex)
{
    // A locked directory, a bad channel name, a path it will not replace: one line, exit 2.
    Console.Error.WriteLine($"OpsClaw.Samples: {ex.Message}");
    await host.StopAsync();
    return 2;
}

// SIGTERM and SIGINT stop the host, which runs CoordinatedShutdown: OpsClaw unbinds, drains and
// removes its files. control.stop runs CoordinatedShutdown from inside, and Akka.Hosting stops the
// host when its actor system has terminated.
await host.WaitForShutdownAsync();
return 0;
