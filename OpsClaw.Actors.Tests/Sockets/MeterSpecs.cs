using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Metrics;
using OpsClaw.Actors.Tests.Support;
using OpsClaw.Samples;

namespace OpsClaw.Actors.Tests.Sockets;

/// <summary>
/// The OpsClaw.Ipc meter as dotnet-counters or OpenTelemetry would see it. The meter is
/// process-wide and specs run in parallel, so this spec listens only to its own channel name.
/// </summary>
public sealed class MeterSpecs : SocketSpecBase
{
    private readonly string _channel = "m" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<(string Instrument, double Value, string? ErrorCode)> _measured = new();

    [Fact]
    public async Task Meter_should_publish_connections_requests_errors_durations_and_bytes_tagged_by_channel()
    {
        using var listener = Listen();
        var binding = await StartAsync("", [new ChannelDefinition(_channel, Props.Create<EchoChannel>(), typeof(EchoChannel))]);

        using (var connection = await RawConnection.ConnectAsync(binding.PathOf(_channel)))
        {
            await connection.WriteAsync(
                RawConnection.Request("echo.say", "a", "{\"Text\":\"x\"}") +
                RawConnection.Request("echo.say", "b", "{\"Text\":\"y\"}") +
                RawConnection.Request("echo.say", "c", "[]"));
            for (var i = 0; i < 3; i++)
            {
                Assert.NotNull(await connection.ReadLineAsync());
            }
        }

        await AwaitAssertAsync(
            () =>
            {
                Assert.Equal(1, Sum("opsclaw.ipc.connections.opened"));
                Assert.Equal(0, Sum("opsclaw.ipc.connections.active"));
                Assert.Equal(3, Sum("opsclaw.ipc.requests"));
                Assert.Equal(["invalid_payload"], _measured.Where(m => m.Instrument == "opsclaw.ipc.errors").Select(m => m.ErrorCode));
                Assert.Equal(3, _measured.Count(m => m.Instrument == "opsclaw.ipc.request.duration" && m.Value >= 0));
                Assert.True(Sum("opsclaw.ipc.bytes.received") > 3 * 80);
                Assert.True(Sum("opsclaw.ipc.bytes.sent") > 3 * 150);
            },
            TimeSpan.FromSeconds(10));
    }

    [RootFact]
    public async Task A_peer_refused_as_forbidden_should_be_counted_on_the_meter_and_in_control_status()
    {
        using var listener = Listen();
        var binding = await StartAsync(
            $"opsclaw.ipc.channels.{_channel} {{ socket-mode = \"0666\", allow-any-uid = off }}",
            [ChannelDefinition.Control(), new ChannelDefinition(_channel, Props.Create<EchoChannel>(), typeof(EchoChannel))]);
        File.SetUnixFileMode(Dir.Path, (UnixFileMode)Convert.ToInt32("711", 8));
        File.SetUnixFileMode(Dir.SocketDir, (UnixFileMode)Convert.ToInt32("711", 8));

        var refused = await HostProcess.RunAsync(
            Dir.Path, "/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "HOME=/tmp",
            HostProcess.ExecutablePath, "ipc", "send", "--socket", binding.PathOf(_channel), "--type", "echo.tally");

        Assert.Contains("\"error_code\":\"forbidden\"", refused.Stdout, StringComparison.Ordinal);
        await AwaitAssertAsync(
            () => Assert.Equal(["forbidden"], _measured.Where(m => m.Instrument == "opsclaw.ipc.errors").Select(m => m.ErrorCode)),
            TimeSpan.FromSeconds(10));
        var status = PayloadOf(await RequestAsync(binding.PathOf("control"), "control.status"));
        var errors = ((Newtonsoft.Json.Linq.JArray)status["channels"]!).Single(channel => (string?)channel["name"] == _channel)["errors"];
        Assert.Equal(1L, (long?)errors?["forbidden"]);
    }

    private double Sum(string instrument) => _measured.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    private MeterListener Listen()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, self) =>
            {
                if (instrument.Meter.Name == IpcMeter.Name)
                {
                    self.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return listener;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? channel = null;
        string? errorCode = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "channel")
            {
                channel = tag.Value as string;
            }
            else if (tag.Key == "error_code")
            {
                errorCode = tag.Value as string;
            }
        }

        if (channel == _channel)
        {
            _measured.Enqueue((instrument.Name, value, errorCode));
        }
    }
}
