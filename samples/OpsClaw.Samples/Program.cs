using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsClaw.Actors;
using OpsClaw.Actors.Hosting;
using OpsClaw.Actors.Ipc;
using OpsClaw.Samples;

// An application that embeds OpsClaw: a generic host whose actor system serves the built-in runtime and
// control channels and the echo channel until SIGTERM, SIGINT or control.stop.
// Usage: OpsClaw.Samples <socket-dir> [<settings.conf>], the file holding HOCON opsclaw.ipc settings.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: OpsClaw.Samples <socket-dir> [<settings.conf>]");
    return 2;
}

var builder = Host.CreateApplicationBuilder();

// Every log line goes to stderr, so stdout carries only the ready line. Levels come from
// configuration as in any .NET host: Logging__LogLevel__OpsClaw=Debug in the environment, say.
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddHealthChecks();

builder.Services.AddAkka("echo-sample", (akka, services) =>
{
    // Akka's log events, OpsClaw's included, through the logging set up above, each under its actor's category.
    akka.WithHostLogging(services);
    if (args.Length == 2)
    {
        akka.AddHoconFile(args[1], HoconAddMode.Prepend);
    }

    akka.WithOpsClawIpc(ipc =>
    {
        ipc.SocketDirectory = args[0];
        ipc.AddChannel<EchoChannel>("echo");
    });

    // Reported by HealthCheckService (and ASP.NET Core's MapHealthChecks): Healthy while every socket serves.
    akka.WithOpsClawIpcHealthCheck();
});

using var host = builder.Build();
try
{
    // Returns once every socket accepts connections; throws if one cannot be bound.
    await host.StartAsync();
}
catch (IpcStartupException refused)
{
    // A locked directory, a bad channel name, a path it will not replace: what to change, exit 2.
    Console.Error.WriteLine($"OpsClaw.Samples: {refused.Message}");
    return 2;
}

var binding = await OpsClawIpc.Get(host.Services.GetRequiredService<ActorSystem>()).Ready;
Console.WriteLine(binding.ReadyLine());

// SIGTERM and SIGINT stop the host, which runs CoordinatedShutdown: OpsClaw unbinds, drains and
// removes its files. control.stop runs CoordinatedShutdown from inside, and Akka.Hosting stops the
// host when its actor system has terminated.
await host.WaitForShutdownAsync();
return 0;
