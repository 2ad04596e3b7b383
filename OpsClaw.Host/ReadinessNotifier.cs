using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting.Systemd;

namespace OpsClaw.Host;

/// <summary>
/// Sends <c>READY=1</c> / <c>STOPPING=1</c> to <c>$NOTIFY_SOCKET</c> when a supervisor set one but
/// Microsoft.Extensions.Hosting.Systemd does not recognise it as systemd (it checks that the parent
/// process is systemd). Under systemd itself that library notifies and this stays silent, so the
/// supervisor never hears READY twice.
/// </summary>
internal static class ReadinessNotifier
{
    public static void Notify(string state)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || SystemdHelpers.IsSystemdService())
        {
            return;
        }

        // A leading '@' names a socket in the abstract namespace.
        var endpoint = path[0] == '@' ? new UnixDomainSocketEndPoint("\0" + path[1..]) : new UnixDomainSocketEndPoint(path);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.ASCII.GetBytes(state), endpoint);
        }
        catch (SocketException ex)
        {
            Console.Error.WriteLine($"opsclaw: could not notify {path}: {ex.Message}");
        }
    }
}
