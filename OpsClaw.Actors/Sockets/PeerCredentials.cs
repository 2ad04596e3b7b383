using System.Net.Sockets;

namespace OpsClaw.Actors.Sockets;

/// <summary>The peer process of a Unix socket connection, as the kernel reports it (SO_PEERCRED).</summary>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static PeerCredentials Read(Socket socket)
    {
        Span<byte> buffer = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, buffer);
        if (length < 12)
        {
            throw new SocketException((int)SocketError.ProtocolOption);
        }

        return new PeerCredentials(
            BitConverter.ToInt32(buffer),
            BitConverter.ToUInt32(buffer[4..]),
            BitConverter.ToUInt32(buffer[8..]));
    }
}
