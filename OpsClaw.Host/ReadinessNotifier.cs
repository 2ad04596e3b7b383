using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting.Systemd;

namespace OpsClaw.Host;

/// <summary>
/// Speaks the sd_notify protocol on <c>$NOTIFY_SOCKET</c>. <see cref="Notify"/> sends <c>READY=1</c> /
/// <c>STOPPING=1</c> when a supervisor set the socket but Microsoft.Extensions.Hosting.Systemd does
/// not recognise it as systemd (it checks that the parent process is systemd); under systemd itself
/// that library notifies and <see cref="Notify"/> stays silent, so the supervisor never hears READY
/// twice. <see cref="Send"/> is for what that library never sends (<c>WATCHDOG=1</c>).
/// </summary>
internal static class ReadinessNotifier
{
    public static void Notify(string state)
    {
        if (!SystemdHelpers.IsSystemdService())
        {
            Send(state);
        }
    }

    /// <summary>Sends <paramref name="state"/> to <c>$NOTIFY_SOCKET</c>, if set, whoever the supervisor is.</summary>
    public static void Send(string state)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
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
